"""A relationship's facts reduced to what its status as of any date needs, read without the facts.

:func:`timeline.projections.relations.status` reads every fact of the dyad dated on or before
``as_of``; for a much-reported dyad that is tens of thousands of facts to load per read. The
digest keeps, per fact in date order, its day, family, tone value and source count, running
sums at the end of every block of BLOCK facts, and, sparsely, what only the active window
needs (ruptures, sectors, wishes to cooperate). A status as of D then costs a binary search,
at most one block of facts and the facts of the active window.

The score's weights count ages from L, the dyad's latest fact on or before the day asked, and
factor: ``0.5 ** ((L - t) / h) = 2 ** ((t - A) / h) * 2 ** -((L - A) / h)`` for a fixed anchor
day A, so the running sums of ``2 ** ((t - A) / h)`` (and times the value) give the weighted
sums for any L. The result equals the status folded from the facts, up to the last bits of the
float sums.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from operator import itemgetter
from typing import Any

from timeline.projections.relations import FAMILIES, INTENT_TYPES, MUTUAL_TYPES, RelationStatus
from timeline.projections.relations import status as folded_status
from timeline.projections.tone import DEFAULT_RULE, ToneRule

BLOCK = 128
ANCHOR = date(2000, 1, 1).toordinal()
# The factored weights 2 ** ((t - A) / h) stay finite (and their sums exact enough) only for days
# within this many half-lives of the anchor (about 440 years either side with h = 180 days); a
# dyad with a fact beyond is answered by folding its facts instead. The day asked never enters
# the weights (ages count from the latest fact), so any day can be asked of a usable digest.
MAX_HALF_LIVES = 900
VERSION = 1

Digest = dict[str, Any]


def fingerprint(rule: ToneRule) -> list[Any]:
    """What a digest bakes in of the rule (the rest is read at query time), as plain JSON data."""
    tones = [[tone, value] for tone, value in sorted(rule.characterized.items())]
    return [rule.half_life_days, tones, sorted(rule.rupture_types)]


#: What a digest needs of one fact: (occurred_on ISO, family, tone value, sources, rupture, sectors
#: or None, a wish to cooperate, the actor's country, a mutual wish), as plain data: a replay keeps
#: these for the facts it sets aside instead of decoding them again.
Entry = tuple[str, str, float | None, int, bool, list[str] | None, bool, str | None, bool]


def entry(fact: Mapping[str, Any], rule: ToneRule = DEFAULT_RULE) -> Entry:
    """What the digest reads of ``fact``."""
    kind = fact["type"]
    return (
        fact["occurred_on"],
        fact["family"],
        rule.value(fact),
        len(fact["sources"]),
        rule.is_rupture(fact),
        list(fact["sectors"]) if fact["sectors"] else None,
        kind in INTENT_TYPES,
        fact["actor"]["country"],
        kind in MUTUAL_TYPES,
    )


def entries(facts: Iterable[Mapping[str, Any]], rule: ToneRule = DEFAULT_RULE) -> list[Entry]:
    return [entry(fact, rule) for fact in facts]


def build(group: Mapping[str, Any], rule: ToneRule = DEFAULT_RULE) -> Digest:
    """The digest of one facts partition (a dyad's)."""
    return build_from(entries(group["facts"], rule), rule)


def build_from(found: list[Entry], rule: ToneRule = DEFAULT_RULE) -> Digest:
    """The digest of a dyad whose facts, in the partition's order, have the entries ``found``."""
    found = sorted(found, key=itemgetter(0))  # stable: by date, as relations reads the facts
    days = [date.fromisoformat(e[0]).toordinal() for e in found]
    if not all(_in_range(day, rule) for day in days):
        return {"version": VERSION, "rule": fingerprint(rule), "unusable": "a fact dated beyond its range"}
    families = list(FAMILIES)
    index = {name: i for i, name in enumerate(families)}
    on, fam, val, src = days, [], [], []
    rup, sec_at, sec, intent_at, intent, mutual = [], [], [], [], [], []
    blocks = []
    s0 = s1 = 0.0
    valued = reports = 0
    counts = [0] * len(families)
    for i, (day, (_, family, value, sources, rupture, sectors, wish, actor, both)) in enumerate(
        zip(days, found, strict=True)
    ):
        at = index.get(family)
        if at is None:
            at = index[family] = len(families)
            families.append(family)
            counts.append(0)
        fam.append(at)
        val.append(value)
        src.append(sources)
        if value is not None:
            x = _growth(day, rule)
            s0, s1, valued = s0 + x, s1 + x * value, valued + 1
        reports += sources
        counts[at] += 1
        if rupture:
            rup.append(i)
        if sectors:
            sec_at.append(i)
            sec.append(sectors)
        if wish:
            intent_at.append(i)
            intent.append(actor)
        if both:
            mutual.append(i)
        if (i + 1) % BLOCK == 0:
            blocks.append([s0, s1, valued, reports, *counts])
    return {
        "version": VERSION, "rule": fingerprint(rule), "families": families, "on": on, "fam": fam,
        "val": val, "src": src, "blocks": blocks, "rup": rup, "sec_at": sec_at, "sec": sec,
        "intent_at": intent_at, "intent": intent, "mutual": mutual,
    }  # fmt: skip


def spliced(
    digest: Mapping[str, Any],
    old: list[Mapping[str, Any]],
    new: list[Mapping[str, Any]],
    low: str,
    high: str,
    rule: ToneRule = DEFAULT_RULE,
) -> Digest | None:
    """The digest ``build`` gives after a run of a dyad's facts changed, worked out from ``digest``
    (the one before) and that run only: ``old`` and ``new`` are the facts of one stretch of the
    partition before and after the change; every fact outside the stretch is the same in both and,
    as the caller vouches, dated before ``low`` or on or after ``high`` (ISO).

    The facts that differ are dated somewhere in [first, last]; every fact dated so is in the
    stretch, so the digest's entries dated then are replaced by the new stretch's, sorted by date
    as a build sorts them, and the running sums restart from the block before: the same numbers
    added in the same order as a whole build, so the floats come out bit for bit the same. None:
    the change reaches outside [low, high), or ``digest`` is not one this can splice (another
    version or rule, a family outside the vocabulary); the caller builds it whole.
    """
    if not usable(digest, rule) or digest["families"] != list(FAMILIES):
        return None
    same = 0
    while same < min(len(old), len(new)) and old[same] == new[same]:
        same += 1
    tail = 0
    while tail < min(len(old), len(new)) - same and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    changed = [*old[same : len(old) - tail], *new[same : len(new) - tail]]
    if not changed:
        return dict(digest)
    first = min(f["occurred_on"] for f in changed)
    last = max(f["occurred_on"] for f in changed)
    if first < low or last >= high:
        return None
    on = digest["on"]
    start, end = date.fromisoformat(first).toordinal(), date.fromisoformat(last).toordinal()
    k, m = bisect_left(on, start), bisect_right(on, end)
    if m - k != sum(1 for f in old if first <= f["occurred_on"] <= last):
        return None  # the digest is not of these facts
    found = sorted((entry(f, rule) for f in new if first <= f["occurred_on"] <= last), key=itemgetter(0))
    days = [date.fromisoformat(e[0]).toordinal() for e in found]
    if not all(_in_range(day, rule) for day in days):
        return None
    families = list(FAMILIES)
    index = {name: i for i, name in enumerate(families)}
    shift = len(found) - (m - k)
    fam = digest["fam"][:k]
    val = digest["val"][:k]
    src = digest["src"][:k]
    sparse: dict[str, list[Any]] = {n: [] for n in ("rup", "sec_at", "sec", "intent_at", "intent", "mutual")}
    for i, (_, family, value, sources, rupture, sectors, wish, actor, both) in enumerate(found, start=k):
        at = index.get(family)
        if at is None:
            return None  # a family outside the vocabulary: its place in the list is a build's to find
        fam.append(at)
        val.append(value)
        src.append(sources)
        if rupture:
            sparse["rup"].append(i)
        if sectors:
            sparse["sec_at"].append(i)
            sparse["sec"].append(sectors)
        if wish:
            sparse["intent_at"].append(i)
            sparse["intent"].append(actor)
        if both:
            sparse["mutual"].append(i)
    fam += digest["fam"][m:]
    val += digest["val"][m:]
    src += digest["src"][m:]
    on = [*on[:k], *days, *on[m:]]

    def joined(at: str, items: str | None = None) -> tuple[list[Any], list[Any] | None]:
        indices = digest[at]
        lo, hi = bisect_left(indices, k), bisect_left(indices, m)
        moved = [*indices[:lo], *sparse[at], *(i + shift for i in indices[hi:])]
        if items is None:
            return moved, None
        return moved, [*digest[items][:lo], *sparse[items], *digest[items][hi:]]

    rup, _ = joined("rup")
    sec_at, sec = joined("sec_at", "sec")
    intent_at, intent = joined("intent_at", "intent")
    mutual, _ = joined("mutual")
    whole = k // BLOCK  # the blocks ending before the first entry that changed stand
    blocks = digest["blocks"][:whole]
    start = blocks[-1] if whole else None
    _run(start, len(families), (on, fam, val, src), whole * BLOCK, len(on), rule, closed=blocks)
    return {
        "version": VERSION, "rule": fingerprint(rule), "families": families, "on": on, "fam": fam,
        "val": val, "src": src, "blocks": blocks, "rup": rup, "sec_at": sec_at, "sec": sec,
        "intent_at": intent_at, "intent": intent, "mutual": mutual,
    }  # fmt: skip


def _in_range(day: int, rule: ToneRule) -> bool:
    return abs(day - ANCHOR) <= MAX_HALF_LIVES * rule.half_life_days


def _run(
    start: Sequence[Any] | None,
    families: int,
    columns: tuple[list[int], list[int], list[float | None], list[int]],
    lo: int,
    hi: int,
    rule: ToneRule,
    closed: list[list[Any]] | None = None,
) -> tuple[float, float, int, int, list[int]]:
    """The running sums over entries ``lo`` to ``hi`` (of the ``on``, ``fam``, ``val`` and ``src``
    columns), from a block's sums or from nothing, added in entry order so that the same entries
    always give the same floats; with ``closed``, each block's sums appended as it ends."""
    if start:
        s0, s1, valued, reports, *counts = start
    else:
        s0, s1, valued, reports, counts = 0.0, 0.0, 0, 0, []
    counts = list(counts) + [0] * (families - len(counts))
    on, fam, val, src = columns
    for i in range(lo, hi):
        value = val[i]
        if value is not None:
            x = _growth(on[i], rule)
            s0, s1, valued = s0 + x, s1 + x * value, valued + 1
        reports += src[i]
        counts[fam[i]] += 1
        if closed is not None and (i + 1) % BLOCK == 0:
            closed.append([s0, s1, valued, reports, *counts])
    return s0, s1, valued, reports, counts


def _growth(day: int, rule: ToneRule) -> float:
    return 2.0 ** ((day - ANCHOR) / rule.half_life_days)


def usable(digest: Mapping[str, Any] | None, rule: ToneRule = DEFAULT_RULE) -> bool:
    """A digest of this version, built with this rule's baked-in parts, over dates it can weigh."""
    return (
        bool(digest)
        and digest["version"] == VERSION
        and digest["rule"] == fingerprint(rule)
        and "unusable" not in digest
    )


def _span(indices: list[int], first: int, end: int) -> slice:
    """The positions in a sorted index list of the facts ``first <= i < end``."""
    return slice(bisect_left(indices, first), bisect_left(indices, end))


def status(
    digest: Mapping[str, Any], dyad: tuple[str, str], as_of: date, rule: ToneRule = DEFAULT_RULE
) -> RelationStatus | None:
    """The dyad's status as of ``as_of`` from its digest (None when no fact is dated by then)."""
    on = digest["on"]
    day = as_of.toordinal()
    n = bisect_right(on, day)
    if n == 0:
        return None
    families = digest["families"]
    whole = n // BLOCK
    columns = (on, digest["fam"], digest["val"], digest["src"])
    start = digest["blocks"][whole - 1] if whole else None
    s0, s1, valued, reports, counts = _run(start, len(families), columns, whole * BLOCK, n, rule)
    latest = on[n - 1]
    if valued:
        shrink = 2.0 ** (-(latest - ANCHOR) / rule.half_life_days)
        score = shrink * s1 / (shrink * s0 + rule.prior_weight)
    else:
        score = 0.0
    first = bisect_left(on, latest - rule.active_days, 0, n)
    ruptured = bool(digest["rup"][_span(digest["rup"], first, n)])
    sectors = {s for found in digest["sec"][_span(digest["sec_at"], first, n)] for s in found}
    willing = set(digest["intent"][_span(digest["intent_at"], first, n)])
    if digest["mutual"][_span(digest["mutual"], first, n)]:
        willing |= set(dyad)
    by_family = dict.fromkeys(FAMILIES, 0)
    for name, count in zip(families, counts, strict=True):
        if name in by_family or count:
            by_family[name] = count
    return RelationStatus(
        dyad=dyad,
        tone=rule.tone(score, ruptured),
        score=round(score, 3),
        sectors=tuple(sorted(sectors)),
        last_event_on=date.fromordinal(latest),
        quiet_days=day - latest,
        quiet=rule.is_quiet(day - latest),
        fact_count=n,
        report_count=reports,
        counts=by_family,
        reciprocal=set(dyad) <= willing,
        as_of=as_of,
    )


def statuses(
    digests: Iterable[tuple[str, Mapping[str, Any] | None]],
    as_of: date,
    state_of: Callable[[str], Mapping[str, Any]],
    rule: ToneRule = DEFAULT_RULE,
) -> list[RelationStatus]:
    """The status of each dyad partition as of ``as_of``, from its digest where usable.

    ``state_of(partition)`` gives the facts state of one partition, read instead when its digest
    is missing or was built another way.
    """
    found = []
    for key, digest in digests:
        a, b = key.split("|")
        if usable(digest, rule):
            assert digest is not None
            one = status(digest, (a, b), as_of, rule)
        else:
            one = folded_status(state_of(key), (a, b), as_of, rule)
        if one is not None:
            found.append(one)
    return found
