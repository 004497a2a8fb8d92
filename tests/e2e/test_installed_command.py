"""The installed `timeline` command, run as a subprocess on the seeds folder, as a user would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"


def _command() -> str:
    beside = Path(sys.executable).with_name("timeline")  # the venv that runs pytest
    found = str(beside) if beside.exists() else shutil.which("timeline")
    if found is None:
        pytest.fail("the `timeline` command is not installed; `pip install .` first", pytrace=False)
    return found


def run(db: str, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TIMELINE_DATABASE_URL"}
    done = subprocess.run(
        [_command(), "--db", db, *args], capture_output=True, text=True, timeout=300, env=env
    )
    if ok:
        assert done.returncode == 0, (args, done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    return done


@pytest.mark.slow
def test_seeds_folder_end_to_end(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'e2e.db'}"
    seeds = sorted(SEEDS.glob("*.txt"))
    assert seeds, "the seeds folder holds the seed article(s)"
    before = datetime.now(UTC).isoformat()

    first = run(db, "ingest", str(SEEDS))
    assert first.stderr.strip().splitlines()[-1].startswith(f"{len(seeds)} new, 0 already present, 0 failed;")
    again = run(db, "ingest", str(SEEDS))
    assert again.stderr.strip().splitlines()[-1] == (
        f"0 new, {len(seeds)} already present, 0 failed; 0 events appended"
    )

    events = [json.loads(line) for line in run(db, "events", "--format", "jsonl").stdout.splitlines()]
    assert events
    assert [e["position"] for e in events] == sorted({e["position"] for e in events})
    types = {e["type"] for e in events}
    assert types - {"StatementRecorded"}, "the seed holds coded statements, not only fallbacks"

    # the seed's invitation (issue 4): none before it was extended, pending on 2024-04-01
    assert (
        json.loads(
            run(db, "invitations", "--as-of", "2024-03-29", "--status", "pending", "--format", "json").stdout
        )
        == []
    )
    pending = json.loads(
        run(db, "invitations", "--as-of", "2024-04-01", "--status", "pending", "--format", "json").stdout
    )
    found = {(i["inviter"]["country"], i["invitee"]["country"], i["extended_on"]) for i in pending}
    assert ("PAK", "RUS", "2024-03-30") in found, pending
    relations = json.loads(run(db, "relations", "--as-of", "2024-04-01", "--format", "json").stdout)
    assert any(sorted(r["dyad"]) == ["PAK", "RUS"] for r in relations), relations

    # known-at a moment before the ingest: nothing at all
    assert run(db, "events", "--known-at", before, "--format", "json").stdout.strip() == "[]"
    assert (
        json.loads(
            run(db, "invitations", "--as-of", "2024-04-01", "--known-at", before, "--format", "json").stdout
        )
        == []
    )

    table = run(db, "events").stdout
    assert "PAK" in table and "RUS" in table

    # bad input through the real process: one line, exit 1, no traceback
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    bad = run(db, "ingest", str(tmp_path / "binary.txt"), ok=False)
    assert bad.returncode == 1
    assert bad.stderr.splitlines()[0].startswith(f"{tmp_path / 'binary.txt'}: ")
