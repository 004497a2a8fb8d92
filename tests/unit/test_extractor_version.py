"""Provenance names the reading: another spaCy model shows in each event's extractor version."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from timeline.domain.articles import Article, article_id_for
from timeline.extract.nlp import default_model_dir
from timeline.extract.pipeline import EXTRACTOR_VERSION, Extractor

TEXT = " date 2025-04-02 (TST) Kenya's president met Ghana's president in Nairobi on Tuesday."


def _article() -> Article:
    return Article(article_id_for(TEXT), date(2025, 4, 2), TEXT)


def test_the_shipped_model_codes_under_the_plain_version() -> None:
    events = Extractor.default().extract(_article())
    assert events and {e.provenance.extractor_version for e in events} == {EXTRACTOR_VERSION}


def test_another_model_is_named_in_the_version(tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(default_model_dir(), copy)
    meta = json.loads((copy / "meta.json").read_text())
    meta["name"] = "core_web_trial"
    (copy / "meta.json").write_text(json.dumps(meta))
    extractor = Extractor.load(model=str(copy))
    events = extractor.extract(_article())
    assert events
    assert {e.provenance.extractor_version for e in events} == {
        f"{EXTRACTOR_VERSION}+en_core_web_trial-3.8.0"
    }
