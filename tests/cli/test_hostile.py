"""Every value that reaches SQL from the command line is a bound parameter: SQL in it is just text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from cli_harness import FIXTURES, Timeline

HOSTILE = [
    "'; DROP TABLE events; --",
    "x' OR '1'='1",
    '"); DELETE FROM articles; --',
    "FRA' UNION SELECT * FROM articles --",
    "1; UPDATE events SET type = 'x'",
    "%' OR 1=1 --",
    "\\'; DROP TABLE event_chain; --",
]


def _tables(url: str) -> dict[str, list[tuple]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table: sorted(map(repr, conn.execute(sa.text(f'SELECT * FROM "{table}"'))))
                for table in sa.inspect(conn).get_table_names()
            }
    finally:
        engine.dispose()


def _commands(text: str) -> list[tuple[str, ...]]:
    return [
        ("events", "--actor", text),
        ("events", "--target", text),
        ("events", "--article", text),
        ("events", "--actor", text, "--target", text, "--format", "json"),
        ("events", "--type", text),
        ("events", "--since", text),
        ("events", "--until", text),
        ("events", "--as-of", text),
        ("events", "--known-at", text),
        ("export", "--actor", text, "--article", text),
        ("relations", "--explain", text, "FRA"),
        ("history", text, "CHL"),
        ("invitations", "--status", text),
        ("retract", text, "--reason", text),
        ("erase", text, "--reason", text),
    ]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_filters_leave_every_table_intact(timeline_any: Timeline, text: str) -> None:
    timeline_any.ok("ingest", str(FIXTURES / "harbour_talks.txt"), str(FIXTURES / "river_accord.txt"))
    before = _tables(timeline_any.url)
    for command in _commands(text):
        result = timeline_any(*command)
        # Found nothing (0), refused the value (2: bad option), or said why not (1): never a crash.
        assert result.exit_code in (0, 1, 2), (command, result.output)
        assert "Traceback" not in result.output and "Traceback" not in result.stderr
        if command[0] in ("events", "export") and result.exit_code == 0:
            assert text not in result.stdout or "--format" not in command
    assert _tables(timeline_any.url) == before
    assert timeline_any.ok("verify").stdout.startswith("verified ")


def test_hostile_lexicon_entries_are_stored_as_text(timeline_any: Timeline, tmp_path: Path) -> None:
    person = "Ana O'Neil"
    outlet = "Wire'; DROP TABLE events; --"
    lexicon = tmp_path / "hostile.json"
    lexicon.write_text(
        json.dumps(
            {
                "countries": {"NZL": {"aliases": ["Zembla'; DELETE FROM articles; --"]}},
                "people": [
                    {
                        "name": person,
                        "country": "CHL",
                        "role": "Foreign Minister",
                        "start": "2020-01-01",
                        "end": None,
                    },
                    {
                        "name": "Bo'); DROP TABLE articles; --",
                        "country": "CHL",
                        "role": "Envoy'; --",
                        "start": "2020-01-01",
                        "end": None,
                    },
                ],
                "outlets": [{"tag": outlet, "name": outlet, "country": "CHL", "in_text": False}],
            }
        ),
        "utf-8",
    )
    article = tmp_path / "hostile.txt"
    article.write_text(
        f" date 2024-05-14 ({outlet}) {person} met the trade envoy of New Zealand in Santiago on Monday.",
        "utf-8",
    )
    timeline_any.ok("ingest", "--lexicon", str(lexicon), str(article))
    timeline_any.ok("ingest", str(FIXTURES / "harbour_talks.txt"))
    tables = _tables(timeline_any.url)
    assert {"events", "articles", "event_chain"} <= set(tables)
    assert len(tables["articles"]) == 2
    events = timeline_any.events()
    assert len(tables["events"]) == len(events) > 1
    found = timeline_any.events("--actor", person)
    assert found and all(e["actor"]["name"] == person for e in found)
    assert any(outlet in row for row in tables["articles"])  # the outlet, stored verbatim
    timeline_any.ok("verify")
