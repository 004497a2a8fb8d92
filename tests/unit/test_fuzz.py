"""Hostile and broken input, property-based: the extractor and `ingest` never crash and never half-store.

The extractor either returns well-formed events or raises its own one-line errors; `ingest`
either stores an article whole or reports one of its known one-line reasons and stores nothing of
it; and whatever was stored, every read command still answers on the database afterwards.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
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
from timeline.extract.pipeline import (
    ArticleTooLongError,
    NoSentencesError,
    TooManyEventsError,
    extract_events,
)

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
     "date 0001-01-01", "date 1799-12-31", "date 1800-01-01", "date 2199-12-31", "date 2200-01-01",
     "date 2024-05-14", "on 0000-00-00", "on 31 February", "date -1-01-01", "date 2024-05-14 (",
     "(Wire) date 2024-05-14", "date ２０２４-０５-１４"]
)  # fmt: skip


REPEATS = ["India invited Pakistan and ", "Norway thanked Chile. ", "Kenya met the French envoy in Paris, "]
# Every way `ingest` may refuse one article; anything else (an exception's name) is a bug.
REASONS = re.compile(
    "|".join(
        [
            r"empty (file|text)",
            r"binary file \(NUL bytes\), not text",
            r"binary text \(NUL characters\)",
            r"not UTF-8 text( \(undecodable byte at offset \d+\))?",
            r"no date line; pass --published YYYY-MM-DD",
            r"not a date: .*",
            r"impossible date .*",
            r".* in the header",
            r"published \d{4}-\d\d-\d\d is outside the dates timeline accepts .*",
            r"sentence \d+: event date .* is outside the dates timeline accepts .*",
            r"no sentences in the text.*",
            r"the article's text has [\d,]+ characters; .*",
            r"the article has [\d,]+ sentences; .*",
            r"over the limit of \d+ events by sentence \d+ .*",
            r"\d+ events, over the limit of \d+ .*",
            r"took longer than .* \(raise it with --max-seconds\)",
            r"over the size limit of \d+ bytes .*",
            r"empty feed \(no JSON lines\)",
            r"not JSON",
            r"JSON nested too deeply",
            r"not a JSON object",
            r'no "text" field',
            r'"text" is not a string',
            r'"published": .*',
        ]
    )
)
# Every read command, run on a database after hostile input went into it.
READS = [
    ["relations"],
    ["relations", "--as-of", "2199-12-31"],
    ["invitations"],
    ["events", "--facts"],
    ["events", "--format", "jsonl"],
    ["export", "--format", "csv"],
    ["export", "--format", "cameo"],
    ["replay"],
    ["verify"],
    ["report", "-o", "-"],
]


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
    # Very long lines: plain letters, a word repeated, a clause or a sentence repeated by the hundred.
    st.integers(5_000, 40_000).map(lambda n: "x" * n),
    st.sampled_from(WORDS).map(lambda w: (w + " ") * 60),
    st.tuples(st.sampled_from(REPEATS), st.integers(50, 1_500)).map(lambda r: r[0] * r[1]),
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
    except (NoSentencesError, HeaderError, ArticleTooLongError) as exc:
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
    """Every failure line is `NAME: reason` with one of ingest's own reasons; no exception leaks."""
    assert "Traceback" not in stderr
    for line in stderr.splitlines():
        assert line.strip(), stderr
        if line == "ingesting" or re.match(
            r"\d+ new, \d+ already present, \d+ failed; \d+ events? appended$", line
        ):
            continue  # the progress bar's label (off a terminal) and the summary
        assert not line.startswith("error:"), line  # the whole run stopped: never for one article
        # `NAME: reason`, where a feed line's NAME may hold ": " in its id
        assert any(REASONS.fullmatch(line[m.end() :]) for m in re.finditer(": ", line)), line


def _reads_work(url: str) -> None:
    for read in READS:
        result = CliRunner().invoke(cli, ["--db", url, *read])
        assert result.exit_code == 0, (read, result.stderr, result.exception)


def _expected_events(text: str) -> int | None:
    """How many events one clean extraction of ``text`` gives (None if it is no article)."""
    from timeline.ingest import IngestError, Item, to_article

    try:
        return len(extract_events(to_article(Item("<stdin>", text=text), date(2024, 5, 14))))
    except (IngestError, NoSentencesError, HeaderError, ArticleTooLongError, TooManyEventsError):
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
        if stored:
            _reads_work(url)
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


def test_every_read_answers_on_the_store_the_feeds_went_into(database: str) -> None:
    """After all the broken feeds above (same module-scoped store), every read command still works."""
    _reads_work(database)


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
    many.write_text(" date 2024-05-14 (Wire) " + "France and Japan signed an agreement. " * 2000, "utf-8")
    result = CliRunner().invoke(cli, ["--db", url, "ingest", "--max-events", "100", str(many)])
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()[0]
        == f"{many}: over the limit of 100 events by sentence 51 (raise it with --max-events)"
    )
    assert _stored(url, article_id_for(many.read_text("utf-8"))) == (False, 0)
    result = CliRunner().invoke(cli, ["--db", url, "ingest", "--max-events", "100000", str(many)])
    assert result.exit_code == 0, result.stderr
    stored, events = _stored(url, article_id_for(many.read_text("utf-8")))
    assert stored and events >= 2000


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


# --- time and memory per article, at the bounds ---------------------------------------------------

WORST = {
    # the longest article the parser takes, one run-on clause of triggers
    "one-sentence": "India invited Pakistan and " * 3_700,
    # the most sentences that are coded, each one an event
    "many-sentences": "Norway thanked Chile. " * 1_990,
    # over the sentence bound: refused after the parse, before coding
    "too-many-sentences": "Norway thanked Chile. " * 4_500,
}
BUDGET_SECONDS = 5


@pytest.mark.parametrize("kind", WORST)
def test_the_worst_article_within_the_bounds_costs_bounded_time_and_memory(tmp_path: Path, kind: str) -> None:
    """Run in a child process, so that its peak memory is its own. Neither bound is a timing test:
    the time budget (--max-seconds) cuts any article off, and the figures are ceilings far above what
    a normal article costs (about 2 s and 450 MB for the longest one here)."""
    article = tmp_path / f"{kind}.txt"
    article.write_text(" date 2024-05-14 (Wire) " + WORST[kind], "utf-8")
    command = Path(sys.executable).with_name("timeline")
    args = [str(command), "--db", f"sqlite:///{tmp_path / 'worst.db'}", "ingest", "--max-events", "5000"]
    started = time.monotonic()
    child = subprocess.Popen(
        [*args, "--max-seconds", str(BUDGET_SECONDS), str(article)], stderr=subprocess.PIPE
    )
    assert child.stderr is not None
    stderr = child.stderr.read().decode()
    _, status, usage = os.wait4(child.pid, 0)  # the child's own peak RSS, not this process's
    child.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.monotonic() - started
    _one_line_failures(stderr)
    assert child.returncode in (0, 1), stderr
    assert elapsed < BUDGET_SECONDS + 30  # the model's load (a few seconds) and storing come on top
    assert usage.ru_maxrss < 1_500_000  # KiB: 1.5 GiB
