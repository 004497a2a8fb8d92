"""The README and docs/ stand on their own in a clone: links resolve, the event vocabulary page is
the vocabulary's, and the Python example runs."""

from __future__ import annotations

import doctest
import json
import re
import runpy
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
VOCABULARY = ROOT / "timeline" / "domain" / "data" / "vocabulary.json"
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
# A path in backquotes: a/b.md, ../x/y.py (no spaces, a file extension).
PATH = re.compile(r"`((?:\.{1,2}/)?[\w.-]+(?:/[\w.-]+)+\.(?:md|py|json|png|txt|csv|tsv|jsonl))`")
# The repository's own files (not a virtual environment's, nor git's, nor a build's).
FILES = [
    p.relative_to(ROOT).as_posix()
    for p in ROOT.rglob("*")
    if p.is_file()
    and not any(part.startswith(".") or part.endswith(".egg-info") for part in p.relative_to(ROOT).parts)
]


def _name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def _without_code_blocks(text: str) -> str:
    return re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = unicodedata.normalize("NFC", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found = set()
    for line in _without_code_blocks(page.read_text("utf-8")).splitlines():
        if line.startswith("#"):
            found.add(slug(line.lstrip("#").replace("`", "")))
    return found


def _inside(path: Path) -> bool:
    return path.resolve().is_relative_to(ROOT)


def _link_resolves(page: Path, target: str) -> bool:
    path_part, _, fragment = target.partition("#")
    linked = (page.parent / path_part) if path_part else page
    if not _inside(linked) or not linked.is_file():
        return False
    return not fragment or linked.suffix != ".md" or fragment in anchors(linked)


def _path_in_clone(page: Path, named: str) -> bool:
    if named.startswith("../"):
        here = page.parent / named
        return _inside(here) and here.is_file()
    # Named from the repository's root, or from the module's folder (`data/frames.json`).
    return any(f == named or f.endswith("/" + named) for f in FILES)


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_relative_link_points_to_a_file_in_the_clone(page: Path) -> None:
    links = LINK.findall(_without_code_blocks(page.read_text("utf-8")))
    local = [t for t in links if not re.match(r"[a-z][a-z0-9+.-]*:", t)]  # not https:, mailto:
    assert [t for t in local if not _link_resolves(page, t)] == []


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_path_named_is_in_the_clone(page: Path) -> None:
    """`../shared/design/ARCHITECTURE.md` in backquotes is as broken as in a link."""
    named = PATH.findall(page.read_text("utf-8"))
    assert [n for n in named if not _path_in_clone(page, n)] == []


def test_the_link_checks_catch_what_a_clone_lacks(tmp_path: Path) -> None:
    """The control: the README's old references to files outside the repository are caught."""
    assert LINK.findall("see [the design](../shared/design/ARCHITECTURE.md)") == [
        "../shared/design/ARCHITECTURE.md"
    ]
    assert not _inside(ROOT / "../shared/design/ARCHITECTURE.md")
    assert PATH.findall("see `../shared/tools/score_extraction.py` and `design/event-types.md`") == [
        "../shared/tools/score_extraction.py",
        "design/event-types.md",
    ]
    assert not _path_in_clone(ROOT / "README.md", "design/event-types.md")
    assert not _path_in_clone(ROOT / "README.md", "../shared/tools/score_extraction.py")
    assert not _link_resolves(ROOT / "README.md", "docs/json.md#no-such-heading")
    assert _link_resolves(ROOT / "README.md", "docs/json.md#timeline-events---facts")
    assert "how-a-relationships-tone-is-read" in anchors(ROOT / "README.md")


def test_the_event_types_page_is_made_from_the_vocabulary() -> None:
    maker = runpy.run_path(str(ROOT / "docs" / "make_event_types.py"))
    assert (ROOT / "docs" / "event-types.md").read_text("utf-8") == maker["render"](), (
        "docs/event-types.md is out of date: run python docs/make_event_types.py"
    )


def test_the_event_types_page_lists_every_type_with_its_coding() -> None:
    page = (ROOT / "docs" / "event-types.md").read_text("utf-8")
    rows = {}
    for line in page.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 6 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells
    types = json.loads(VOCABULARY.read_text("utf-8"))["types"]
    assert set(rows) == set(types)
    for name, spec in types.items():
        _, label, meaning, cameo, goldstein, family = rows[name]
        assert label and meaning, name
        assert cameo == (spec["cameo"] or "")
        assert (float(goldstein) if goldstein else None) == spec["goldstein"]
        assert family == spec["family"]


def test_the_python_api_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TIMELINE_DATABASE_URL", raising=False)
    result = doctest.testfile(
        str(ROOT / "docs" / "python-api.md"), module_relative=False, optionflags=doctest.ELLIPSIS
    )
    assert result.attempted >= 10 and result.failed == 0


def test_the_pandas_recipe_keeps_cameo_codes_as_text() -> None:
    page = (ROOT / "docs" / "python-api.md").read_text("utf-8")
    assert page.count('dtype={"cameo": str') == 2  # both the JSON lines and the CSV reading
