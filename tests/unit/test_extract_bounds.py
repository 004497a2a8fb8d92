"""Bounds on hostile text: huge lines, text without punctuation, trigger words repeated by the thousand.

Each case finishes and either gives events or fails with a one-line reason; through `ingest` an
article is stored whole or not at all. No timings are asserted: a case that returns has finished.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from timeline.cli import cli
from timeline.domain.articles import Article, article_id_for
from timeline.extract.frames import default_frames
from timeline.extract.lexicon import Lexicon
from timeline.extract.parallel import Limits, extract_one
from timeline.extract.pipeline import (
    MAX_PARSE_CHARS,
    MAX_SENTENCES,
    ArticleTooLongError,
    Extractor,
    NoSentencesError,
    TooManyEventsError,
    extract_events,
)

PUBLISHED = "2024-05-14"
# Lowercase words, then words the coder acts on (countries, triggers): no punctuation among them.
PLAIN_WORDS = ["envoy", "talks", "trade", "border", "river", "accord", "harbour", "summit", "delegation"]
CODER_WORDS = [
    "India", "invited", "Pakistan", "France", "Japan", "signed", "an", "agreement", "with", "the", "envoy",
    "visit", "minister", "condolences", "met", "Kenya", "Chile", "criticised", "relations", "warm", "next",
    "week", "on", "Monday", "in", "Paris", "said",
]  # fmt: skip
TRIGGER_UNIT = "India invited Pakistan and "


def _words(count_chars: int, vocabulary: list[str], seed: int) -> str:
    """Words drawn from ``vocabulary``, separated by single spaces, ``count_chars`` characters long."""
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < count_chars:
        word = rng.choice(vocabulary)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)[:count_chars].rstrip()


def _ingest(tmp_path: Path, text: str, *args: str) -> tuple[Result, str, Path]:
    """`timeline ingest` of one article file into a fresh database: the result, the db URL, the file."""
    article = tmp_path / "hostile.txt"
    article.write_text(text, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'bounds.db'}"
    result = CliRunner().invoke(cli, ["--db", url, "ingest", "--published", PUBLISHED, *args, str(article)])
    return result, url, article


def _stored(url: str, article_id: str) -> tuple[bool, int, int]:
    """Whether the article is stored, its events, and the events in the whole store."""
    from timeline.query import EventQuery
    from timeline.store import open_store

    with open_store(url) as store:
        return (
            store.has_article(article_id),
            store.count(EventQuery(article_id=article_id)),
            store.count(EventQuery()),
        )


def _extracted(text: str) -> int | None:
    """Events from one clean extraction of ``text`` (None when it is refused with a one-line error)."""
    try:
        events = extract_events(Article(article_id_for(text), date.fromisoformat(PUBLISHED), text))
    except (NoSentencesError, ArticleTooLongError, TooManyEventsError) as exc:
        assert "\n" not in str(exc)
        return None
    assert [e.stream_version for e in events] == list(range(1, len(events) + 1))
    return len(events)


def _assert_whole_or_nothing(result: Result, url: str, article: Path, text: str) -> None:
    """Stored with every event of one extraction (exit 0), or one line says why and nothing is stored."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    stored, events, total = _stored(url, article_id_for(text))
    if result.exit_code == 0:
        assert stored and events == total == _extracted(text)
    else:
        assert result.exit_code == 1, result.output
        (reason, summary) = result.stderr.splitlines()
        assert reason.startswith(f"{article}: ")
        assert summary.startswith("0 new, 0 already present, 1 failed; 0 events appended")
        assert not stored and events == total == 0


# --- a million characters on one line: refused before the parser sees it ------------------------


def test_a_million_character_line_is_refused_before_parsing() -> None:
    def no_parsing(text: str) -> None:
        raise AssertionError("the parser was given an over-long article")

    extractor = Extractor(Lexicon.default(), default_frames(), _parser=[no_parsing])
    text = _words(1_000_000, PLAIN_WORDS, seed=1)
    with pytest.raises(ArticleTooLongError, match=f"at most {MAX_PARSE_CHARS:,}") as refused:
        extractor.extract(Article(article_id_for(text), date.fromisoformat(PUBLISHED), text))
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_million_character_line_fails_ingest_in_one_line(tmp_path: Path, jobs: str) -> None:
    text = _words(1_000_000, PLAIN_WORDS, seed=1)
    assert len(text) == 1_000_000 and "\n" not in text
    result, url, article = _ingest(tmp_path, text, "--jobs", jobs)
    assert result.exit_code == 1
    (reason, summary) = result.stderr.splitlines()
    assert reason == (
        f"{article}: the article's text has 1,000,000 characters; "
        f"the parser takes at most {MAX_PARSE_CHARS:,}: split it into articles"
    )
    assert summary == "0 new, 0 already present, 1 failed; 0 events appended"
    assert _stored(url, article_id_for(text)) == (False, 0, 0)


# --- long text under the cap, with no punctuation at all ----------------------------------------


@pytest.mark.parametrize("vocabulary", [PLAIN_WORDS, CODER_WORDS], ids=["plain-words", "coder-words"])
def test_95k_characters_without_punctuation_finish(tmp_path: Path, vocabulary: list[str]) -> None:
    text = _words(95_000, vocabulary, seed=2)
    assert len(text) < MAX_PARSE_CHARS and all(ch.isalpha() or ch == " " for ch in text)
    result, url, article = _ingest(tmp_path, text)
    _assert_whole_or_nothing(result, url, article, text)


# --- trigger words repeated by the thousand ------------------------------------------------------


def _trigger_texts() -> list[object]:
    under_cap = (MAX_PARSE_CHARS - 100) // len(TRIGGER_UNIT)
    return [
        pytest.param(" ".join(["invited"] * 10_000), id="invited-x10000"),
        # About one sentence's bound of triggers, then up to the article cap.
        pytest.param(TRIGGER_UNIT * 55, id="india-invited-pakistan-x55"),
        pytest.param(TRIGGER_UNIT * 1_000, id="india-invited-pakistan-x1000"),
        pytest.param(TRIGGER_UNIT * under_cap, id=f"india-invited-pakistan-x{under_cap}"),
        # Each one a sentence of its own: more events than ingest takes, more sentences than are coded.
        pytest.param("India invited Pakistan. " * 1_000, id="india-invited-pakistan-sentences-x1000"),
        pytest.param("India invited Pakistan. " * 4_000, id="india-invited-pakistan-sentences-x4000"),
    ]


@pytest.mark.parametrize("text", _trigger_texts())
def test_repeated_trigger_words_finish(tmp_path: Path, text: str) -> None:
    assert len(text) <= MAX_PARSE_CHARS
    result, url, article = _ingest(tmp_path, text)
    _assert_whole_or_nothing(result, url, article, text)


# --- bounds checked before the work they bound ----------------------------------------------------


def _article(text: str) -> Article:
    return Article(article_id_for(text), date.fromisoformat(PUBLISHED), text)


def test_more_sentences_than_are_coded_is_refused_before_coding() -> None:
    text = "Norway thanked Chile. " * (MAX_SENTENCES + 1)
    with pytest.raises(
        ArticleTooLongError, match=f"{MAX_SENTENCES + 1:,} sentences; at most {MAX_SENTENCES:,}"
    ):
        Extractor.default().extract(_article(text))


def test_the_event_cap_stops_coding_at_the_sentence_that_passes_it() -> None:
    text = "Norway thanked Chile. " * 50
    assert len(Extractor.default().extract(_article(text), max_events=50)) == 50
    with pytest.raises(TooManyEventsError, match=r"^over the limit of 5 events by sentence 6 "):
        Extractor.default().extract(_article(text), max_events=5)


def test_only_run_on_sentences_say_so() -> None:
    text = TRIGGER_UNIT * 200 + "Chile."
    with pytest.raises(NoSentencesError, match="of at most 1,500 characters"):
        Extractor.default().extract(_article(text))


def test_a_slow_extraction_is_cut_at_its_time_budget() -> None:
    """Whatever the extractor does (here a parser that never returns), the budget ends it."""

    def endless(text: str) -> None:
        while True:
            pass

    extractor = Extractor(Lexicon.default(), default_frames(), _parser=[endless])
    outcome = extract_one(extractor, _article("Norway thanked Chile."), Limits(max_seconds=0.2))
    assert (
        outcome.events is None and outcome.refused == "took longer than 0.2 s (raise it with --max-seconds)"
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ingest_refuses_an_article_over_its_time_budget_and_goes_on(tmp_path: Path, jobs: str) -> None:
    slow = tmp_path / "1-slow.txt"
    slow.write_text("Norway thanked Chile for the talks in Oslo. " * 400, "utf-8")
    quick = tmp_path / "2-quick.txt"
    quick.write_text("Norway thanked Chile.", "utf-8")
    url = f"sqlite:///{tmp_path / 'budget.db'}"
    args = ["--db", url, "ingest", "--published", PUBLISHED, "--max-seconds", "0.01", "--jobs", jobs]
    result = CliRunner().invoke(cli, [*args, str(slow)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{slow}: took longer than 0.01 s (raise it with --max-seconds)"
    again = CliRunner().invoke(cli, [*args[:-4], str(slow), str(quick)])
    assert again.exit_code == 0 and again.stderr.splitlines()[-1].startswith("2 new,")
