"""Writes docs/event-types.md from the vocabulary the code uses (timeline/domain/data/vocabulary.json).

    python docs/make_event_types.py          # rewrite the page
    python docs/make_event_types.py --check  # exit 1 if the page is not what the vocabulary gives

tests/unit/test_docs.py runs the check, so the page cannot drift from the data.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout, installed or not

from timeline.projections.tone import TONE_VALUES  # noqa: E402

VOCABULARY = ROOT / "timeline" / "domain" / "data" / "vocabulary.json"
PAGE = ROOT / "docs" / "event-types.md"

INTRO = """\
# Event types

<!-- Made by docs/make_event_types.py from timeline/domain/data/vocabulary.json: edit those, not this. -->

Every event in the store has one of these types. Each is one thing an article reports between two
sides: `actor` and `target` are a country (ISO 3166-1 alpha-3: `PAK`, `RUS`, ...), with the person
and role where the sentence names them. The CAMEO code and Goldstein value (the CAMEO codebook's
scale, -10 hostile to +10 cooperative) are stored with each event, so the data joins with
GDELT-style data; the report shows the *label* and gives the code and value on hover. The
*family* is the lane an event is drawn in and the counts of `relations`; the value is what the
event weighs in a relationship's tone (see
[How a relationship's tone is read](../README.md#how-a-relationships-tone-is-read)).

| type | label | what the sentence reports (actor -> target) | CAMEO | Goldstein | family |
|---|---|---|---|---|---|
"""

TONES = """
A described relationship (`RelationsCharacterized`) is coded by the tone the speaker gave it
(`payload.tone`), not by the type's own code and value:

| tone | CAMEO | Goldstein | value in the tone rule |
|---|---|---|---|
"""

MODALITY = """
## What else an event carries

- `modality`: `reported` (it happened), `planned` (it is to happen: "will visit next month") or
  `negated` ("did not attend", "the visit was called off"). Only reported events count as facts
  of the relationship; a planned visit does not fulfil an invitation.
- `occurred_on` with `date_precision` (`day`, `week`, `month`, `year`) and `date_basis` (how the
  date was found: a date in the sentence, a weekday read against the article's date line, the date
  of the statement it was reported in, or failing those the article's date). See
  [date-lines.md](date-lines.md) for the dates an article may open with.
- `payload`: what the type adds (sectors named, the invitation's destination, the speaker's tone,
  the trigger words, a retraction's reason).

## Traits

What kind of happening each type is, read by the coder and the projections through
`timeline.domain.vocabulary.types_with(trait)`:

| trait | meaning | types |
|---|---|---|
"""


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|")


def _goldstein(value: float | None) -> str:
    return "" if value is None else f"{value:+.1f}" if value else "0.0"


def render() -> str:
    data = json.loads(VOCABULARY.read_text("utf-8"))
    lines = [INTRO]
    for name, spec in data["types"].items():
        lines.append(
            f"| `{name}` | {_cell(spec.get('label', ''))} | {_cell(spec.get('meaning', ''))} | "
            f"{spec['cameo'] or ''} | {_goldstein(spec['goldstein'])} | {spec['family']} |\n"
        )
    lines.append(
        "\nThe two `housekeeping` types are written by the store itself (`timeline retract`, "
        "`timeline erase`); they are never a happening between countries.\n"
    )
    lines.append(TONES)
    for tone, spec in data["tones"].items():
        if tone.startswith("_"):
            continue
        value = _goldstein(TONE_VALUES[tone]).removesuffix(".0")
        lines.append(f"| {tone} | {spec['cameo']} | {_goldstein(spec['goldstein'])} | {value} |\n")
    lines.append(MODALITY)
    for trait, meaning in data["traits"].items():
        if trait.startswith("_"):
            continue
        having = [f"`{n}`" for n, spec in data["types"].items() if trait in spec.get("traits", ())]
        lines.append(f"| `{trait}` | {_cell(meaning)} | {', '.join(having)} |\n")
    return "".join(lines)


def main(argv: list[str]) -> int:
    page = render()
    if "--check" in argv:
        if PAGE.read_text("utf-8") != page:
            print(f"{PAGE} is out of date: run python docs/make_event_types.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(page, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
