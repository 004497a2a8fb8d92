"""The extractor against the annotated corpora: a floor under each development corpus's score.

The corpora live outside the repository (``../shared/corpus`` beside a checkout, or wherever
$TIMELINE_CORPUS_DIR points). Without them these tests skip, except in CI (CI=true), where they
must run. The validation corpus (dev-asia-africa) is scored and printed but has no floor: it is
read at milestones, never tuned on.

Floors sit just under the scores reached; a change that lowers one fails here and shows which
facts it lost.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.corpus.scoring import score_corpus
from timeline.extract.pipeline import Extractor

CORPUS_ENV = "TIMELINE_CORPUS_DIR"
# F1 and date-accuracy floors per development corpus (measured: see the README's Extraction section).
FLOORS = {
    "dev": (0.715, 0.86),
    "dev-world": (0.83, 0.98),
    "dev-europe-americas": (0.76, 0.95),
}
VALIDATION = "dev-asia-africa"
# Corpora kept in this repository: articles written for the project in its own words from the facts
# of real reports (see written/README.md), scored on every run with or without the shared corpora.
WRITTEN = Path(__file__).resolve().parent / "written"
WRITTEN_FLOORS = {
    "europe-africa-pacific": (0.52, 0.84),
    "mideast-asia-south": (0.68, 0.88),
    "gulf-horn-americas": (0.49, 0.74),
    "europe-pacific-africa-west": (0.47, 0.78),
    "east-europe-andes-oceania": (0.53, 0.68),
}


def _corpus_root() -> Path | None:
    given = os.environ.get(CORPUS_ENV)
    root = Path(given) if given else Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
    return root if (root / "dev" / "gold.json").is_file() else None


@pytest.fixture(scope="module")
def corpus_root() -> Path:
    root = _corpus_root()
    if root is None:
        reason = f"the annotated corpora are not here (set ${CORPUS_ENV} to ../shared/corpus)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; in CI they must be scored", pytrace=False)
        pytest.skip(reason)
    return root


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor.default()


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_development_corpus_stays_above_its_floor(name: str, corpus_root: Path, extractor: Extractor) -> None:
    score = score_corpus(corpus_root / name, extractor)
    f1_floor, date_floor = FLOORS[name]
    lost = "\n".join(f"  missed {file}: {fact}" for file, fact in score.missed[:15])
    assert score.f1 >= f1_floor, f"{name}: F1 {score.f1} fell below {f1_floor}\n{lost}"
    assert score.date_accuracy >= date_floor, f"{name}: date accuracy {score.date_accuracy} < {date_floor}"


@pytest.mark.parametrize("name", sorted(WRITTEN_FLOORS))
def test_written_corpus_stays_above_its_floor(name: str, extractor: Extractor) -> None:
    score = score_corpus(WRITTEN / name, extractor)
    f1_floor, date_floor = WRITTEN_FLOORS[name]
    lost = "\n".join(f"  missed {file}: {fact}" for file, fact in score.missed[:15])
    assert score.f1 >= f1_floor, f"{name}: F1 {score.f1} fell below {f1_floor}\n{lost}"
    assert score.date_accuracy >= date_floor, f"{name}: date accuracy {score.date_accuracy} < {date_floor}"


def test_validation_corpus_is_scored(
    corpus_root: Path, extractor: Extractor, capsys: pytest.CaptureFixture
) -> None:
    """Scored so that the figure is in every run's log; no floor, so nobody tunes toward it."""
    score = score_corpus(corpus_root / VALIDATION, extractor)
    with capsys.disabled():
        print(
            f"\n{VALIDATION} (validation): f1={score.f1} precision={score.precision} "
            f"recall={score.recall} date_accuracy={score.date_accuracy}"
        )
    assert 0.0 <= score.f1 <= 1.0
