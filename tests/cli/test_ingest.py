"""`timeline ingest`: files, folders, stdin, JSONL feeds; one transaction per article; bad input refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_harness import FIXTURES, Timeline, stderr_lines

from timeline.domain.articles import article_id_for

SUMMARY = "{new} new, {present} already present, {failed} failed; {events} events appended"


def summary(result) -> str:
    return stderr_lines(result)[-1]


def test_ingest_an_article_appends_its_events(timeline: Timeline) -> None:
    result = timeline.ok("ingest", str(FIXTURES / "harbour_talks.txt"))
    events = timeline.events()
    assert events, "an article with several sentences yields events"
    assert summary(result) == SUMMARY.format(new=1, present=0, failed=0, events=len(events))
    article_id = article_id_for((FIXTURES / "harbour_talks.txt").read_text("utf-8"))
    assert {e["article_id"] for e in events} == {article_id}
    assert [e["position"] for e in events] == sorted(e["position"] for e in events)
    with timeline.store() as store:
        article = store.get_article(article_id)
    assert article is not None and str(article.published) == "2024-05-14"


def test_reingest_is_a_no_op(timeline: Timeline) -> None:
    path = str(FIXTURES / "harbour_talks.txt")
    timeline.ok("ingest", path)
    before = timeline.events()
    again = timeline.ok("ingest", path)
    assert summary(again) == SUMMARY.format(new=0, present=1, failed=0, events=0)
    assert timeline.events() == before


def test_same_text_from_stdin_is_the_same_article(timeline: Timeline, fixture_text) -> None:
    timeline.ok("ingest", str(FIXTURES / "harbour_talks.txt"))
    result = timeline.ok("ingest", "-", input=fixture_text("harbour_talks.txt"))
    assert summary(result) == SUMMARY.format(new=0, present=1, failed=0, events=0)


def test_stdin(timeline: Timeline, fixture_text) -> None:
    result = timeline.ok("ingest", "-", input=fixture_text("river_accord.txt"))
    events = timeline.events()
    assert summary(result) == SUMMARY.format(new=1, present=0, failed=0, events=len(events))
    assert events


def test_folder_is_read_recursively_in_sorted_order(timeline: Timeline, tmp_path: Path, fixture_text) -> None:
    folder = tmp_path / "news"
    (folder / "b_later").mkdir(parents=True)
    (folder / "a_first.txt").write_text(fixture_text("river_accord.txt"), "utf-8")
    (folder / "b_later" / "inside.txt").write_text(fixture_text("harbour_talks.txt"), "utf-8")
    (folder / "c_feed.jsonl").write_text(
        json.dumps({"text": fixture_text("undated_note.txt"), "published": "2024-07-02"}) + "\n", "utf-8"
    )
    (folder / "notes.md").write_text("not an article", "utf-8")  # neither .txt nor .jsonl: left alone
    (folder / ".hidden.txt").write_text("", "utf-8")  # hidden: left alone
    result = timeline.ok("ingest", str(folder))
    assert summary(result).startswith("3 new, 0 already present, 0 failed")
    first_position: dict[str, int] = {}
    for event in timeline.events():
        first_position.setdefault(event["article_id"], event["position"])
    order = sorted(first_position, key=first_position.get)
    names = ("river_accord.txt", "harbour_talks.txt", "undated_note.txt")
    expected = [article_id_for(fixture_text(n)) for n in names]
    assert order == expected


def test_published_option_dates_a_text_without_a_date_line(timeline: Timeline) -> None:
    path = str(FIXTURES / "undated_note.txt")
    refused = timeline("ingest", path)
    assert refused.exit_code == 1
    assert stderr_lines(refused)[0] == f"{path}: no date line; pass --published YYYY-MM-DD"
    assert timeline.events() == []

    timeline.ok("ingest", "--published", "2024-07-02", path)
    article_id = article_id_for((FIXTURES / "undated_note.txt").read_text("utf-8"))
    with timeline.store() as store:
        assert str(store.get_article(article_id).published) == "2024-07-02"
    assert timeline.events()


def test_published_option_must_be_a_real_date(timeline: Timeline) -> None:
    result = timeline("ingest", "--published", "2024-02-30", str(FIXTURES / "undated_note.txt"))
    assert result.exit_code == 2
    assert "2024-02-30" in result.stderr


GOOD_BODY = "Peruvian diplomats met their Bolivian counterparts in La Paz to discuss border trade."

BAD_INPUTS = [
    ("empty.txt", b"", [], "empty file"),
    ("blank.txt", b"  \n\n\t \n", [], "empty file"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", [], "binary"),
    ("latin1.txt", " date 2024-05-01 Caf\xe9 owners in Lima met officials.".encode("latin-1"), [], "UTF-8"),
    ("nosentences.txt", b" date 2024-05-01\n\n---- 2024 ----\n***\n", [], "no sentences"),
    ("feb30.txt", f" date 2024-02-30 {GOOD_BODY}".encode(), [], "impossible date 2024-02-30"),
    ("big.txt", f" date 2024-05-01 {GOOD_BODY * 20}".encode(), ["--max-bytes", "500"], "size limit"),
    ("undated.txt", GOOD_BODY.encode(), [], "no date line; pass --published YYYY-MM-DD"),
    ("runaway.txt", f" date 2024-05-01 {GOOD_BODY} {GOOD_BODY}".encode(), ["--max-events", "1"], "over the"),
]


@pytest.mark.parametrize(("name", "content", "args", "why"), BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_is_one_line_and_writes_nothing(
    timeline: Timeline, tmp_path: Path, name: str, content: bytes, args: list[str], why: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = timeline("ingest", *args, str(path))
    assert result.exit_code == 1
    lines = stderr_lines(result)
    assert len(lines) == 2, lines  # the failure, then the summary
    assert lines[0].startswith(f"{path}: ") and why in lines[0]
    assert lines[1] == SUMMARY.format(new=0, present=0, failed=1, events=0)
    assert "Traceback" not in result.output
    assert timeline.events("--include-retracted") == []
    with timeline.store() as store:
        assert list(store.articles()) == []


def test_one_bad_article_does_not_stop_the_others(timeline: Timeline, tmp_path: Path, fixture_text) -> None:
    (tmp_path / "1_empty.txt").write_text("", "utf-8")
    (tmp_path / "2_good.txt").write_text(fixture_text("harbour_talks.txt"), "utf-8")
    paths = [str(tmp_path / name) for name in ("1_empty.txt", "missing.txt", "2_good.txt")]
    result = timeline("ingest", *paths)
    assert result.exit_code == 1
    lines = stderr_lines(result)
    assert lines[0] == f"{tmp_path / '1_empty.txt'}: empty file"
    assert lines[1] == f"{tmp_path / 'missing.txt'}: no such file or folder"
    assert lines[2].startswith("1 new, 0 already present, 2 failed;")
    assert {e["article_id"] for e in timeline.events()} == {article_id_for(fixture_text("harbour_talks.txt"))}


def test_jsonl_feed_with_bad_lines_among_good_ones(timeline: Timeline, tmp_path: Path, fixture_text) -> None:
    undated = fixture_text("undated_note.txt")
    feed = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"text": undated, "published": "2024-07-02", "source": "Steppe Daily",
                    "url": "https://example.org/a", "title": "Mining ties", "id": "a-1"}),
        "{this is not json",
        json.dumps({"title": "no text here"}),
        "",
        json.dumps({"text": fixture_text("river_accord.txt")}),
        json.dumps({"text": GOOD_BODY, "published": "2024-02-30"}),
        json.dumps(["a", "list"]),
        json.dumps({"text": GOOD_BODY}),
    ]
    feed.write_text("\n".join(lines) + "\n", "utf-8")
    result = timeline("ingest", str(feed))
    assert result.exit_code == 1
    errors = stderr_lines(result)
    assert [line for line in errors if line.startswith(str(feed))] == [
        f"{feed} line 2: not JSON",
        f'{feed} line 3: no "text" field',
        f"{feed} line 6: \"published\": '2024-02-30' is not a date; use YYYY-MM-DD",
        f"{feed} line 7: not a JSON object",
        f"{feed} line 8: no date line; pass --published YYYY-MM-DD",
    ]
    assert errors[-1].startswith("2 new, 0 already present, 5 failed;")
    with timeline.store() as store:
        article = store.get_article(article_id_for(undated))
        assert article is not None
        assert (str(article.published), article.outlet, article.url, article.title) == (
            "2024-07-02", "Steppe Daily", "https://example.org/a", "Mining ties",
        )
        assert len(list(store.articles())) == 2

    again = timeline("ingest", "--published", "2024-08-01", str(feed))
    assert stderr_lines(again)[-1].startswith("1 new, 2 already present, 4 failed;")


def test_a_deeply_nested_feed_line_fails_alone(timeline: Timeline, tmp_path: Path) -> None:
    deep = 100_000
    feed = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"text": GOOD_BODY}),
        "[" * deep + "]" * deep,
        '{"text": "Norway met Sweden.", "extra": ' + "[" * deep + "]" * deep + "}",
        json.dumps({"text": GOOD_BODY + " They also spoke about rail links."}),
    ]
    feed.write_text("\n".join(lines) + "\n", "utf-8")
    result = timeline("ingest", "--published", "2024-05-14", str(feed))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    errors = stderr_lines(result)
    assert [line for line in errors if line.startswith(str(feed))] == [
        f"{feed} line 2: JSON nested too deeply",
        f"{feed} line 3: JSON nested too deeply",
    ]
    assert errors[-1].startswith("2 new, 0 already present, 2 failed;")


def test_empty_folder_and_empty_feed_are_failures(timeline: Timeline, tmp_path: Path) -> None:
    (tmp_path / "nothing").mkdir()
    (tmp_path / "empty.jsonl").write_text("\n\n", "utf-8")
    result = timeline("ingest", str(tmp_path / "nothing"), str(tmp_path / "empty.jsonl"))
    assert result.exit_code == 1
    assert stderr_lines(result)[:2] == [
        f"{tmp_path / 'nothing'}: no .txt or .jsonl files in this folder",
        f"{tmp_path / 'empty.jsonl'}: empty feed (no JSON lines)",
    ]


def test_many_articles_show_progress_and_quiet_silences_it(
    timeline: Timeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIMELINE_PROGRESS_SECONDS", "0")  # off a terminal, a line after every article
    countries = ["Peruvian", "Chilean", "Bolivian", "Ecuadorian", "Uruguayan", "Paraguayan", "Colombian"]
    for i, demonym in enumerate(countries):
        (tmp_path / f"{i}.txt").write_text(
            f" date 2024-05-{10 + i} {demonym} officials met Argentine envoys to talk about rail links.",
            "utf-8",
        )
    loud = timeline.ok("ingest", str(tmp_path))
    assert "ingesting: 7/7 articles, " in loud.stderr
    assert summary(loud).startswith("7 new,")
    quiet = timeline.ok("ingest", "--quiet", str(tmp_path))
    assert quiet.stderr == ""


def test_lexicon_option_needs_an_existing_file(timeline: Timeline, tmp_path: Path) -> None:
    result = timeline("ingest", "--lexicon", str(tmp_path / "nope.json"), str(FIXTURES / "harbour_talks.txt"))
    assert result.exit_code == 2
    assert timeline("events").stderr.startswith("error: no timeline database at ")  # nothing written


def test_ingest_needs_a_path(timeline: Timeline) -> None:
    assert timeline("ingest").exit_code == 2


def test_user_lexicon_teaches_a_new_country_name(tmp_path: Path) -> None:
    from click.testing import CliRunner

    article = tmp_path / "made_up_name.txt"
    article.write_text(
        " date 2024-05-14 (Harbour Ledger) The Chilean foreign minister met a trade delegation "
        "from Zemblania in Santiago on Monday.",
        "utf-8",
    )
    lexicon = tmp_path / "lexicon.json"
    lexicon.write_text(json.dumps({"countries": {"NZL": {"aliases": ["Zemblania"]}}}), "utf-8")
    plain = Timeline(f"sqlite:///{tmp_path / 'plain.db'}", CliRunner())
    taught = Timeline(f"sqlite:///{tmp_path / 'taught.db'}", CliRunner())
    plain.ok("ingest", str(article))
    taught.ok("ingest", "--lexicon", str(lexicon), str(article))

    def countries(t: Timeline) -> set[str]:
        return {e[side]["country"] for e in t.events() for side in ("actor", "target")} - {None}

    assert "NZL" not in countries(plain)
    assert "NZL" in countries(taught)


def test_unreadable_lexicon_is_one_line(timeline: Timeline, tmp_path: Path) -> None:
    lexicon = tmp_path / "broken.json"
    lexicon.write_text("{", "utf-8")
    result = timeline("ingest", "--lexicon", str(lexicon), str(FIXTURES / "harbour_talks.txt"))
    assert result.exit_code == 1
    lines = stderr_lines(result)
    assert len(lines) == 1 and lines[0].startswith("error: lexicon file ") and str(lexicon) in lines[0]
    assert timeline("events").stderr.startswith("error: no timeline database at ")  # nothing written
