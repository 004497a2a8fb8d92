"""Data flows one way: the import graph of the package, read from the source, keeps the layers apart."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "timeline"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Each module of the package -> every module it imports (at the top or inside a function)."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        name = _module(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, *([node.module] if node.module else [])])
                targets.add(base)
                targets.update(f"{base}.{alias.name}" for alias in node.names)
        found[name] = targets
    return found


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_store_knows_rows_not_folds() -> None:
    for module, targets in _imports().items():
        if _under(module, "timeline.store"):
            assert not any(_under(t, "timeline.projections") for t in targets), module


def test_domain_and_projections_do_not_know_sqlalchemy() -> None:
    for module, targets in _imports().items():
        if _under(module, "timeline.domain") or _under(module, "timeline.projections"):
            assert not any(_under(t, "sqlalchemy") or _under(t, "timeline.store") for t in targets), module


def test_no_two_modules_import_each_other() -> None:
    graph = _imports()
    pairs = {
        tuple(sorted((a, b)))
        for a, targets in graph.items()
        for b in targets
        if b in graph and b != a and a in graph[b] and not _under(a, b) and not _under(b, a)
    }
    assert pairs == set()


def test_the_report_and_the_output_read_no_store() -> None:
    for module, targets in _imports().items():
        if _under(module, "timeline.report") or module == "timeline.output":
            assert not any(_under(t, "timeline.service") or _under(t, "timeline.store") for t in targets), (
                module
            )
