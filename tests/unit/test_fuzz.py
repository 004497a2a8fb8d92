"""Hostile and broken input, property-based: the extractor and `ingest` never crash and never half-store.

The extractor either returns well-formed events or raises its own one-line errors; `ingest`
either stores an article whole or reports a one-line reason and stores nothing of it.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.cli import cli
from timeline.domain.articles import Article, article_id_for
from timeline.domain.events import article_stream
from timeline.extract.header import HeaderError
from timeline.extract.pipeline import NoSentencesError, extract_events

# --- what hostile text is made of -------------------------------------------------------------

WORDS = [
    "The", "French", "foreign", "minister", "met", "Japan's", "envoy", "in", "Paris", "on", "Monday",
    "invited", "Kenya", "to", "visit", "signed", "an", "agreement", "with", "Chile", "said", "condolences",
    "Norway", "criticised", "India", "relations", "warm", "next", "week", "Mr.", "Dr.", "U.S.", "e.g.",
]  # fmt: skip
RTL = st.text(st.characters(min_codepoint=0x0590, max_codepoint=0x06FF), min_size=1, max_size=40)
CONTROL = st.text(st.characters(codec="utf-8", categories=("Cc", "Cf", "Zl", "Zp")), min_size=1, max_size=10)
DATES = st.sampled_from(
    ["date 0000-00-00", "date 2024-02-30", "date 9999-12-31", "date 2024-13-01", "date 1900-01-01",
     "date 2024-05-14", "on 0000-00-00", "on 31 February", "date -1-01-01", "date 2024-05-14 (",
     "(Wire) date 2024-05-14", "date ２０２４-０５-１４"]
)  # fmt: skip


@st.composite
def nested_quotes(draw: st.DrawFn) -> str:
    depth = draw(st.integers(1, 12))
    marks = draw(
        st.lists(
            st.sampled_from(['"', "'", "“", "”", "«", "»", "‘", "’", "„"]), min_size=depth, max_size=depth
        )
    )
    inner = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6)))
    return "".join(marks) + inner + "".join(reversed(marks))


PIECE = st.one_of(
    st.text(max_size=60),  # any Unicode at all
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=25).map(" ".join).map(lambda s: s + "."),
    RTL,
    CONTROL,
    DATES,
    nested_quotes(),
    # Very long lines: plain letters, and a word repeated. (The repeats stay short: the extractor
    # is quadratic in the triggers of one sentence, reported to the lead.)
    st.integers(5_000, 40_000).map(lambda n: "x" * n),
    st.sampled_from(WORDS).map(lambda w: (w + " ") * 60),
    st.sampled_from([".", "...", "?!", ";", "\n\n", "\r\n", "\u202e", "\u200f", "\ufeff", "\\", "%s", "{0}"]),
)
HOSTILE_TEXT = st.lists(PIECE, min_size=1, max_size=10).map(" ".join)
# Text with a real date line, so that the extractor is reached more often than the header check.
DATED_TEXT = st.tuples(
    st.sampled_from([" date 2024-05-14 (Wire) ", "date 2024-01-02\n", ""]), HOSTILE_TEXT
).map("".join)


def _check_events(article: Article, events: list) -> None:
    assert [e.stream_version for e in events] == list(range(1, len(events) + 1))
    for event in events:
        assert event.stream_id == article_stream(article.article_id)
        assert isinstance(event.occurred_on, date)
        prov = event.provenance
        assert prov is not None and prov.article_id == article.article_id
        assert 0 <= prov.char_start <= prov.char_end <= len(article.text)
        assert isinstance(prov.sentence, str)
        json.dumps(event.to_json())  # everything about it can be written out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=DATED_TEXT)
def test_extractor_returns_events_or_a_clean_error(text: str) -> None:
    article = Article(article_id_for(text), date(2024, 5, 14), text)
    try:
        events = extract_events(article)
    except (NoSentencesError, HeaderError) as exc:
        assert "\n" not in str(exc)
        return
    _check_events(article, events)


# --- ingest, end to end through the command line ----------------------------------------------


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """One store for the feed examples (each example only checks its own output)."""
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'fuzz.db'}"


def _stored(url: str, article_id: str) -> tuple[bool, int]:
    from timeline.query import EventQuery
    from timeline.store import open_store

    with open_store(url) as store:
        return store.has_article(article_id), store.count(EventQuery(article_id=article_id))


def _one_line_failures(stderr: str) -> None:
    assert "Traceback" not in stderr
    for line in stderr.splitlines():
        assert line.strip(), stderr
        assert "Error:" not in line or line.startswith(("<stdin>", "error:")), line


def _expected_events(text: str) -> int | None:
    """How many events one clean extraction of ``text`` gives (None if it is no article)."""
    from timeline.ingest import IngestError, Item, to_article

    try:
        return len(extract_events(to_article(Item("<stdin>", text=text), date(2024, 5, 14))))
    except (IngestError, NoSentencesError, HeaderError):
        return None


@settings(max_examples=120, deadline=None)
@given(text=DATED_TEXT)
def test_ingest_stores_whole_articles_or_says_why_not(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    with tempfile.TemporaryDirectory() as folder:  # a fresh store per example: reruns see the same state
        url = f"sqlite:///{Path(folder) / 'fuzz.db'}"
        result = CliRunner().invoke(
            cli, ["--db", url, "ingest", "--published", "2024-05-14", "-"], input=data
        )
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert result.exit_code in (0, 1), result.output
        _one_line_failures(result.stderr)
        if result.exit_code == 1:  # exactly one line says why
            reasons = [line for line in result.stderr.splitlines() if line.startswith(("<stdin>:", "error:"))]
            assert len(reasons) == 1, result.stderr
        try:
            decoded = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            assert result.exit_code == 1
            return
        stored, events = _stored(url, article_id_for(decoded))
    if stored:  # never a partial article: all of one clean extraction, or nothing
        assert events == _expected_events(decoded)
    else:
        assert events == 0 and result.exit_code == 1


FEED_VALUE = st.one_of(
    st.none(), st.integers(), st.booleans(), st.text(max_size=20), DATES, st.lists(st.integers(), max_size=2)
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=st.lists(
        st.one_of(
            st.fixed_dictionaries({"text": DATED_TEXT}, optional={"published": FEED_VALUE, "id": FEED_VALUE}),
            st.fixed_dictionaries({"text": FEED_VALUE}),
            st.text(max_size=30),  # a line that is not JSON at all
        ),
        min_size=1,
        max_size=6,
    )
)
def test_jsonl_feeds_of_broken_records(database: str, records: list) -> None:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    with tempfile.TemporaryDirectory() as folder:
        feed = Path(folder) / "feed.jsonl"
        feed.write_text("\n".join(line.replace("\n", " ") for line in lines), "utf-8", errors="surrogatepass")
        result = CliRunner().invoke(cli, ["--db", database, "ingest", "--published", "2024-05-14", str(feed)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1)
    _one_line_failures(result.stderr)


def test_a_million_sentences_meet_the_size_limit(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    huge.write_text(" date 2024-05-14 (Wire) " + "Envoys met again. " * 1_000_000, "utf-8")
    url = f"sqlite:///{tmp_path / 'huge.db'}"
    result = CliRunner().invoke(cli, ["--db", url, "ingest", str(huge)])
    assert result.exit_code == 1
    (line, summary) = result.stderr.splitlines()
    assert line == f"{huge}: over the size limit of 5242880 bytes (raise it with --max-bytes)"
    assert summary.startswith("0 new")
    # With the limit raised, a long article goes through to the event limit, which stops it cleanly.
    many = tmp_path / "many.txt"
    many.write_text(" date 2024-05-14 (Wire) " + "France and Japan signed an agreement. " * 3000, "utf-8")
    result = CliRunner().invoke(cli, ["--db", url, "ingest", "--max-events", "100", str(many)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].endswith("over the limit of 100 (raise it with --max-events)")
    assert _stored(url, article_id_for(many.read_text("utf-8"))) == (False, 0)
    result = CliRunner().invoke(cli, ["--db", url, "ingest", "--max-events", "100000", str(many)])
    assert result.exit_code == 0, result.stderr
    stored, events = _stored(url, article_id_for(many.read_text("utf-8")))
    assert stored and events >= 3000


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    article = tmp_path / "short.txt"
    article.write_text(" date 2024-05-14 (Wire) The French foreign minister met the Japanese envoy.", "utf-8")
    url = f"sqlite:///{tmp_path / 'limits.db'}"
    small = CliRunner().invoke(cli, ["--db", url, "ingest", "--max-bytes", "20", str(article)])
    assert small.exit_code == 1
    assert (
        small.stderr.splitlines()[0]
        == f"{article}: over the size limit of 20 bytes (raise it with --max-bytes)"
    )
    assert CliRunner().invoke(cli, ["--db", url, "ingest", "--max-bytes", "500", str(article)]).exit_code == 0
