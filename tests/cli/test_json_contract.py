"""docs/json.md against what the commands print: every field it lists is there, and no field is missing
from it, for each read command, on every database."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cli_harness import FIXTURES, Timeline

DOC = Path(__file__).resolve().parents[2] / "docs" / "json.md"
AS_OF = ("--as-of", "2024-12-31")
# Each section of the page, and the command whose output it describes (the harbour fixture: Chile
# and New Zealand meet, and Chile invites New Zealand's prime minister).
COMMANDS: dict[str, tuple[str, ...]] = {
    "timeline events": ("events",),
    "timeline events --facts": ("events", "--facts"),
    "timeline relations": ("relations", *AS_OF),
    "timeline relations --explain A B": ("relations", "--explain", "CHL", "NZL", *AS_OF),
    "timeline history A B": ("history", "CHL", "NZL", *AS_OF),
    "timeline invitations": ("invitations", *AS_OF),
    "timeline stats": ("stats",),
    "timeline articles": ("articles",),
}


def documented() -> dict[str, list[str]]:
    """Per section heading, the field names of its table (``facts[].type`` for a list's items)."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in DOC.read_text("utf-8").splitlines():
        heading = re.fullmatch(r"## `(.+)`", line)
        if heading:
            current = sections.setdefault(heading.group(1), [])
        elif current is not None and line.startswith("| `"):
            cell = line.split("|")[1]
            current.extend(re.findall(r"`([^`]+)`", cell))
    return sections


def _keys(record: dict[str, Any]) -> set[str]:
    keys = set(record)
    for key, value in record.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            keys |= {f"{key}[].{inner}" for inner in value[0]}
    return keys


def test_the_page_has_a_section_for_each_read_command() -> None:
    assert set(documented()) == set(COMMANDS)


def test_every_command_prints_what_the_page_says(timeline_any: Timeline) -> None:
    timeline_any.ok("ingest", "--quiet", str(FIXTURES / "harbour_talks.txt"))
    pages = documented()
    for heading, args in COMMANDS.items():
        found = timeline_any.json(*args)
        record = found[0] if isinstance(found, list) else found
        assert record, heading
        fields = set(pages[heading])
        if heading.endswith("--explain A B"):  # the fields of `relations`, then its own
            fields |= set(pages["timeline relations"])
        printed = _keys(record)
        # Nested lists the page does not itemise (relations' dyad, a fact's sources) are plain values.
        printed = {
            k
            for k in printed
            if "[]." not in k or k.split("[].")[0] in {f.split("[].")[0] for f in fields if "[]." in f}
        }
        assert fields - printed == set(), f"{heading}: documented but not printed"
        assert printed - fields == set(), f"{heading}: printed but not in docs/json.md"
