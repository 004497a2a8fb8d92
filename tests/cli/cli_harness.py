"""A runner that calls `timeline --db URL ...` in-process, for the command-line tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from timeline.cli import cli

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "articles"


@dataclass
class Timeline:
    """Runs `timeline --db URL ...` in-process against one database."""

    url: str
    runner: CliRunner

    def __call__(self, *args: str, input: str | bytes | None = None) -> Result:
        return self.runner.invoke(cli, ["--db", self.url, *args], input=input)

    def ok(self, *args: str, input: str | bytes | None = None) -> Result:
        result = self(*args, input=input)
        assert result.exit_code == 0, (result.exit_code, result.stderr, result.exception)
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--format", "json").stdout)

    def events(self, *args: str) -> list[dict[str, Any]]:
        return self.json("events", *args)

    def store(self) -> Any:
        from timeline.store import open_store

        return open_store(self.url)


def stderr_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]
