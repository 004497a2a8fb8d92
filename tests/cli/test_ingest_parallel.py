"""Extraction in worker processes stores exactly what one process stores, in the same order."""

from __future__ import annotations

import shutil
from pathlib import Path

from cli_harness import FIXTURES, Timeline
from click.testing import CliRunner

CODER_FIXTURES = FIXTURES.parent / "coder"


def _content(timeline: Timeline) -> list[tuple]:
    return [
        (e["event_id"], e["stream_version"], e["type"], e["occurred_on"], e["sentence"])
        for e in timeline.events()
    ]


def test_parallel_extraction_stores_what_one_process_stores(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for source in [*FIXTURES.glob("*.txt"), *CODER_FIXTURES.glob("*.txt")]:
        shutil.copy(source, folder / source.name)
    (folder / "empty.txt").write_text("", encoding="utf-8")  # a failure among them keeps its place

    one = Timeline(f"sqlite:///{tmp_path / 'one.db'}", CliRunner())
    many = Timeline(f"sqlite:///{tmp_path / 'many.db'}", CliRunner())
    first = one("ingest", "--jobs", "1", "--published", "2024-05-01", str(folder))
    second = many("ingest", "--jobs", "2", "--published", "2024-05-01", str(folder))

    assert first.exit_code == second.exit_code == 1  # the empty file
    assert first.stderr.splitlines() == second.stderr.splitlines()
    assert _content(one) == _content(many)
    again = many("ingest", "--jobs", "2", "--published", "2024-05-01", str(folder))
    assert "0 new" in again.stderr and _content(one) == _content(many)


def test_outcomes_come_back_in_the_order_of_the_articles(tmp_path: Path) -> None:
    from timeline.ingest import IngestOptions, ingest_paths
    from timeline.store import open_store

    folder = tmp_path / "articles"
    folder.mkdir()
    sources = sorted([*FIXTURES.glob("*.txt"), *CODER_FIXTURES.glob("*.txt")])
    for index, source in enumerate(sources):
        shutil.copy(source, folder / f"{index:02d}-{source.name}")
    # Outcomes known before extraction, in the middle: an empty file and a copy of an earlier article.
    (folder / "03-empty.txt").write_text("", encoding="utf-8")
    shutil.copy(sources[1], folder / "05-copy.txt")

    def outcomes(jobs: int) -> list[tuple[str, str]]:
        seen: list[tuple[str, str]] = []
        with open_store(f"sqlite:///{tmp_path / f'order-{jobs}.db'}") as store:
            ingest_paths(
                store,
                [str(folder)],
                IngestOptions(published=None, jobs=jobs),
                on_outcome=lambda o: seen.append((Path(o.name).name, o.status)),
            )
        return seen

    one = outcomes(1)
    assert ("03-empty.txt", "failed") in one and ("05-copy.txt", "present") in one
    assert outcomes(2) == one
