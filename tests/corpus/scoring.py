"""Scores the extractor, through the library, on an annotated corpus (../shared/corpus/*/gold.json).

The same event measure as the shared scoring tool, without the command line: distinct
(type, date, actor, target) facts per article, StatementRecorded and planned or negated events left
out, meetings, calls and agreements matched without direction.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from timeline.domain.articles import Article, article_id_for
from timeline.extract.header import parse_header
from timeline.extract.pipeline import Extractor

SYMMETRIC = frozenset({"MeetingHeld", "PhoneCallHeld", "AgreementSigned"})


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float
    date_accuracy: float
    loose_f1: float
    missed: list[tuple[str, tuple]]
    extra: list[tuple[str, tuple]]


def _fact(kind: str, day: str, actor: str | None, target: str | None) -> tuple:
    if kind in SYMMETRIC and actor and target:
        actor, target = sorted([actor, target])
    return (kind, day, actor, target)


def score_corpus(folder: Path, extractor: Extractor | None = None) -> Score:
    extractor = extractor or Extractor.default()
    gold = json.loads((folder / "gold.json").read_text("utf-8"))["articles"]
    totals: Counter[str] = Counter()
    missed: list[tuple[str, tuple]] = []
    extra: list[tuple[str, tuple]] = []
    for entry in gold:
        text = (folder / entry["file"]).read_text("utf-8")
        article = Article(article_id_for(text), parse_header(text).published, text)
        events = extractor.extract(article)
        pred = {
            _fact(e.type, e.occurred_on.isoformat(), e.actor.country, e.target.country)
            for e in events
            if e.type != "StatementRecorded" and e.modality == "reported"
        }
        want = {
            _fact(g["type"], g["date"], g.get("actor"), g.get("target"))
            for g in entry["events"]
            if g["type"] != "StatementRecorded" and g.get("modality", "reported") in (None, "reported")
        }
        loose = {(f[0], f[2], f[3]) for f in pred}
        wanted_loose = {(f[0], f[2], f[3]) for f in want}
        dated = {f for f in want if (f[0], f[2], f[3]) in loose}
        totals.update(
            tp=len(pred & want),
            pred=len(pred),
            gold=len(want),
            dated=len(dated),
            dated_ok=len(dated & pred),
            ltp=len(loose & wanted_loose),
            lpred=len(loose),
            lgold=len(wanted_loose),
        )
        missed += [(entry["file"], f) for f in sorted(want - pred, key=str)]
        extra += [(entry["file"], f) for f in sorted(pred - want, key=str)]
    p = totals["tp"] / totals["pred"] if totals["pred"] else 0.0
    r = totals["tp"] / totals["gold"] if totals["gold"] else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    dates = totals["dated_ok"] / totals["dated"] if totals["dated"] else 0.0
    lp = totals["ltp"] / totals["lpred"] if totals["lpred"] else 0.0
    lr = totals["ltp"] / totals["lgold"] if totals["lgold"] else 0.0
    loose_f1 = 2 * lp * lr / (lp + lr) if lp + lr else 0.0
    return Score(round(p, 3), round(r, 3), round(f1, 3), round(dates, 3), round(loose_f1, 3), missed, extra)
