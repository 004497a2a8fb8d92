"""The dyad chart as inline SVG: tone over time, event markers by family, invitation bars, a time axis.

Drawn twice, in a wide and a narrow layout; the page's CSS shows the one that fits the screen, so
that the text keeps a readable size instead of shrinking with a wide drawing on a phone.
Every piece of text is escaped; every link points inside the page.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from timeline.domain.calendar import shift
from timeline.domain.events import Event
from timeline.domain.vocabulary import event_types
from timeline.names import inferred_sides, with_inferred
from timeline.output import party_label
from timeline.projections.tone import DEFAULT_RULE, TONE_VALUES, ToneRule
from timeline.report.busy import OPEN_STATES, bucket_label, bucket_unit, buckets
from timeline.report.kinds import coding, type_label
from timeline.report.model import DyadView
from timeline.report.series import TonePoint
from timeline.wording import count

FAMILIES = ("contact", "cooperation", "conflict", "statements")
INVITATION_STATES = ("pending", "accepted", "fulfilled", "declined", "withdrawn")
TONE_HEIGHT = 150
SCORE_LIMIT = max(abs(v) for v in TONE_VALUES.values())  # the strongest characterization: +-8
MARKER_RADIUS = 6
MARKER_STEP = 14
MAX_STACK = 8  # markers piled on one day in one lane before they start to overlap
BARS_HEIGHT = 120  # a busy pair's stacked bars: the fullest bar is this tall
INVITATION_ROW = 24
AXIS_HEIGHT = 34
GAP = 14
LABEL_CHAR_WIDTH = 6.9  # about the width of one character of a 12.5px label
SCORE_TICKS = (8.0, 4.0, 0.0, -4.0, -8.0)
BAND_LABEL_STEP = 15  # at least this far apart, a line of label text


@dataclass(frozen=True, slots=True)
class Layout:
    """The drawing's width and margins: ``left`` holds the band and lane labels, ``right`` the score axis."""

    name: str
    width: int
    left: int
    right: int
    max_ticks: int
    invitation_labels: bool  # the invitation's text beside its bar (the narrow one has no room)


WIDE = Layout("wide", 1000, 118, 36, 10, True)
# About a phone's width in CSS pixels, so that its text is drawn near the size the CSS gives it.
NARROW = Layout("narrow", 400, 92, 30, 4, False)
LAYOUTS = (WIDE, NARROW)


def family_of(event_type: str) -> str:
    spec = event_types().get(event_type)
    return spec.family if spec else "statements"


@dataclass(frozen=True, slots=True)
class Scale:
    """Days to x coordinates over [start, end], in a layout."""

    start: date
    end: date
    layout: Layout = WIDE

    @property
    def span(self) -> int:
        return max((self.end - self.start).days, 1)

    @property
    def left(self) -> int:
        return self.layout.left

    @property
    def right(self) -> int:
        return self.layout.width - self.layout.right

    def x(self, day: date) -> float:
        return round(self.left + (day - self.start).days / self.span * (self.right - self.left), 2)


def time_range(view: DyadView, as_of: date, layout: Layout = WIDE) -> Scale:
    """From a little before the first thing shown to a little after ``as_of`` (or the last thing)."""
    days = [e.occurred_on for e, _ in view.timeline()] + [p.day for p in view.series]
    days += [date.fromisoformat(str(i["extended_on"])[:10]) for i in view.invitations]
    first = min(days, default=as_of)
    last = max([*days, as_of])
    pad = max(1, (last - first).days // 30)
    return Scale(shift(first, -pad), shift(last, pad), layout)


# --- the time axis ------------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def ticks(start: date, end: date, most: int = WIDE.max_ticks) -> list[tuple[date, str]]:
    """At most ``most`` labelled ticks at days, weeks, months or years, whichever fits."""
    span = (end - start).days
    for step in (1, 2, 7, 14):
        if span / step <= most:
            first = start if step < 7 else shift(start, (7 - start.weekday()) % 7)
            days = [shift(first, n * step) for n in range(span // step + 2)]
            return [(d, f"{d.day} {calendar.month_abbr[d.month]} {d.year}") for d in days if d <= end]
    for months in (1, 2, 3, 6, 12, 24, 60, 120):
        if span / (30.44 * months) <= most:
            day = _add_months(start, 1) if start.day > 1 else start
            while (day.month - 1) % months:
                day = _add_months(day, 1)
            found = []
            while day <= end:
                label = str(day.year) if months >= 12 else f"{calendar.month_abbr[day.month]} {day.year}"
                found.append((day, label))
                day = _add_months(day, months)
            return found
    return [(start, str(start.year)), (end, str(end.year))]


# --- pieces -------------------------------------------------------------------------------------


def _text(x: float, y: float, text: str, cls: str, anchor: str = "start") -> str:
    return f'<text x="{x}" y="{y}" class="{cls}" text-anchor="{anchor}">{escape(text)}</text>'


def _score_y(score: float, top: float) -> float:
    clipped = max(-SCORE_LIMIT, min(SCORE_LIMIT, score))
    return round(top + (SCORE_LIMIT - clipped) / (2 * SCORE_LIMIT) * TONE_HEIGHT, 2)


def tone_bands(rule: ToneRule = DEFAULT_RULE) -> list[tuple[str, float, float]]:
    """The score bands as (tone, low score, high score), strongest first.

    Hostile has no band of scores of its own: it is a strained score after a break in ties, so
    it is drawn over the strained band for the days it held (see ``hostile_spans``).
    """
    return [
        ("close", rule.close_from, SCORE_LIMIT),
        ("cooperative", rule.cooperative_from, rule.close_from),
        ("neutral", -rule.strained_below, rule.cooperative_from),
        ("strained", -SCORE_LIMIT, -rule.strained_below),
    ]


def hostile_spans(points: Iterable[TonePoint]) -> list[tuple[date, date]]:
    """The stretches of days the tone was hostile, each to the next sample (or its own last day)."""
    spans: list[tuple[date, date]] = []
    start: date | None = None
    last: date | None = None
    for point in points:
        if point.tone == "hostile" and start is None:
            start = point.day
        elif point.tone != "hostile" and start is not None:
            spans.append((start, point.day))
            start = None
        last = point.day
    if start is not None and last is not None:
        spans.append((start, last))
    return spans


def _score_axis(scale: Scale, top: float) -> list[str]:
    """Score numbers on the right, with faint lines across the panel at each."""
    parts = []
    for score in SCORE_TICKS:
        y = _score_y(score, top)
        label = f"{score:+.0f}" if score else "0"
        parts.append(f'<line class="score-grid" x1="{scale.left}" y1="{y}" x2="{scale.right}" y2="{y}"/>')
        parts.append(_text(scale.right + 4, round(y + 4, 2), label.replace("-", "\u2212"), "score-tick"))
    return parts


def _tone_panel(points: Iterable[TonePoint], scale: Scale, top: float) -> list[str]:
    parts = ['<g class="tone-panel">']
    left, right = scale.left, scale.right
    points = list(points)
    below = 0.0  # where the previous band's label ends: the thin neutral band's must not overlap it
    for tone, low, high in tone_bands():
        y1, y2 = _score_y(high, top), _score_y(low, top)
        parts.append(
            f'<rect class="band band-{tone}" x="{left}" y="{y1}" width="{right - left}" '
            f'height="{round(y2 - y1, 2)}"><title>{tone}: score {low:+.2f} to {high:+.2f}</title></rect>'
        )
        below = max(round((y1 + y2) / 2 + 4, 2), below + BAND_LABEL_STEP)
        parts.append(_text(left - 8, below, tone, "band-label", "end"))
    y1, y2 = _score_y(-DEFAULT_RULE.strained_below, top), _score_y(-SCORE_LIMIT, top)
    for start, end in hostile_spans(points):
        x1, x2 = scale.x(start), scale.x(end)
        parts.append(
            f'<rect class="band band-hostile" x="{x1}" y="{y1}" width="{max(round(x2 - x1, 2), 2)}" '
            f'height="{round(y2 - y1, 2)}"><title>hostile from {start.isoformat()}: strained after a '
            "break in ties</title></rect>"
        )
        parts.append(_text(x1 + 4, round(y2 - 6, 2), "hostile", "band-label hostile-label"))
    parts.extend(_score_axis(scale, top))
    zero = _score_y(0.0, top)
    parts.append(f'<line class="zero" x1="{left}" y1="{zero}" x2="{right}" y2="{zero}"/>')
    if points:
        coords = " ".join(f"{scale.x(p.day)},{_score_y(p.score, top)}" for p in points)
        area = f"{scale.x(points[0].day)},{zero} {coords} {scale.x(points[-1].day)},{zero}"
        parts.append(f'<polygon class="tone-area" points="{area}"/>')
        parts.append(f'<polyline class="tone-line" points="{coords}"/>')
        last = points[-1]
        x, y = scale.x(last.day), _score_y(last.score, top)
        now = f"{last.score:.2f} {last.tone}"
        # Beside the line's end where there is room, else above it, ending there.
        if x < right - len(now) * LABEL_CHAR_WIDTH - 10:
            parts.append(_text(x + 6, y + 4, now, "tone-now"))
        else:
            parts.append(_text(x - 4, y - 8, now, "tone-now", "end"))
        for p in points:
            if p.event_day:
                parts.append(
                    f'<circle class="tone-point tone-{escape(p.tone)}" cx="{scale.x(p.day)}" '
                    f'cy="{_score_y(p.score, top)}" r="3.5"><title>{escape(_point_title(p))}</title></circle>'
                )
    else:
        parts.append(_text((left + right) / 2, zero - 8, "no fact links the two yet", "empty", "middle"))
    parts.append(_text(left + 4, top + 14, "tone (score)", "panel-title"))
    parts.append("</g>")
    return parts


def _point_title(point: TonePoint) -> str:
    return f"{point.day.isoformat()}: {point.tone}, score {point.score:.2f}"


def event_title(event: Event, context: bool) -> str:
    """The tooltip of a marker: date, kind of event (with CAMEO and Goldstein), actor -> target."""
    kind = type_label(event.type)
    if event.modality != "reported":
        kind += f" ({event.modality})"
    note = " (context)" if context else ""
    guessed = inferred_sides(event.payload)
    actor = with_inferred(event.actor.to_dict(), "actor" in guessed)
    target = with_inferred(event.target.to_dict(), "target" in guessed)
    return (
        f"{event.occurred_on.isoformat()} {kind}: {party_label(actor)} -> {party_label(target)}{note} "
        f"[{coding(event)}]"
    )


def _lanes(view: DyadView, scale: Scale, top: float, anchor: Any) -> tuple[list[str], float]:
    """One lane per family; events of one day in one lane are stacked upwards."""
    by_lane: dict[str, dict[date, list[tuple[Event, bool]]]] = {f: {} for f in FAMILIES}
    for event, context in view.timeline():
        lane = by_lane.setdefault(family_of(event.type), {})
        lane.setdefault(event.occurred_on, []).append((event, context))
    parts = ['<g class="lanes">']
    y = top
    for family, days in by_lane.items():
        stack = max((len(v) for v in days.values()), default=0)
        height = max(2 * MARKER_STEP, min(stack, MAX_STACK) * MARKER_STEP + 8)
        step = MARKER_STEP if stack <= MAX_STACK else (MAX_STACK * MARKER_STEP - MARKER_STEP) / (stack - 1)
        parts.append(
            f'<rect class="lane lane-{escape(family)}" x="{scale.left}" y="{y}" '
            f'width="{scale.right - scale.left}" height="{height}"/>'
        )
        parts.append(_text(scale.left - 8, round(y + height / 2 + 4, 2), family, "lane-label", "end"))
        base = y + height - MARKER_STEP / 2 - 4
        for day, items in sorted(days.items()):
            for n, (event, context) in enumerate(items):
                classes = ["marker", f"fam-{family}"]
                if context:
                    classes.append("context")
                if event.modality != "reported":
                    classes.append("unreported")
                parts.append(
                    f'<a href="#{escape(anchor(event))}" class="marker-link" data-family="{escape(family)}">'
                    f'<circle class="{escape(" ".join(classes))}" cx="{scale.x(day)}" '
                    f'cy="{round(base - n * step, 2)}" r="{MARKER_RADIUS}" '
                    f'data-event="{escape(event.event_id)}">'
                    f"<title>{escape(event_title(event, context))}</title></circle></a>"
                )
        y += height + 4
    parts.append("</g>")
    return parts, y


def _bars(view: DyadView, scale: Scale, top: float) -> tuple[list[str], float]:
    """A busy pair: per week (or month, or year) one bar, stacked by family, the fullest BARS_HEIGHT tall."""
    marked = view.timeline()
    parts = ['<g class="bars">']
    if not marked:
        parts.append("</g>")
        return parts, top
    unit = bucket_unit(marked[0][0].occurred_on, marked[-1][0].occurred_on)
    bars = buckets(((e.occurred_on, family_of(e.type)) for e, _ in marked), unit)
    most = max(b.total for b in bars)
    base = top + BARS_HEIGHT
    parts.append(
        f'<rect class="lane" x="{scale.left}" y="{top}" width="{scale.right - scale.left}" '
        f'height="{BARS_HEIGHT}"/>'
    )
    label_y = round(top + BARS_HEIGHT / 2 + 4, 2)
    parts.append(_text(scale.left - 8, label_y, f"events per {unit}", "lane-label", "end"))
    parts.append(_text(scale.left + 4, top + 14, f"most in one {unit}: {most}", "panel-title"))
    for bar in bars:
        x1, x2 = scale.x(bar.start), scale.x(min(bar.end, scale.end))
        width = max(round(x2 - x1 - 0.5, 2), 1.0)
        said = ", ".join(f"{bar.counts[f]} {f}" for f in FAMILIES if bar.counts.get(f))
        title = f"{bucket_label(bar, unit)}: {count(bar.total, 'event')} ({said})"
        parts.append(f'<g class="bar" data-total="{bar.total}"><title>{escape(title)}</title>')
        y = base
        for family in FAMILIES:
            n = bar.counts.get(family, 0)
            if not n:
                continue
            height = round(n / most * BARS_HEIGHT, 2)
            y = round(y - height, 2)
            parts.append(
                f'<rect class="bar-part fam-{family}" data-family="{family}" data-count="{n}" '
                f'x="{x1}" y="{y}" width="{width}" height="{height}"/>'
            )
        parts.append("</g>")
    parts.append("</g>")
    return parts, base + 4


def invitation_end(invitation: dict[str, Any], as_of: date) -> date:
    """Where an invitation's bar ends: when it was resolved, or ``as_of`` while it is still open."""
    if invitation.get("status") in ("pending", "accepted"):
        return as_of
    return date.fromisoformat(str(invitation["status_on"])[:10])


def invitation_label(invitation: dict[str, Any], as_of: date) -> str:
    inviter = party_label(invitation.get("inviter"))
    invitee = party_label(invitation.get("invitee"))
    extended = str(invitation.get("extended_on"))[:10]
    status = invitation.get("status")
    if status == "pending":
        days = (as_of - date.fromisoformat(extended)).days
        when = f"pending since {extended} ({count(days, 'day')})"
    else:
        when = f"extended {extended}, {status} {str(invitation.get('status_on'))[:10]}"
    to = invitation.get("destination")
    return f"{inviter} invited {invitee}" + (f" to {to}" if to else "") + f": {when}"


def _invitations(
    invitations: Iterable[dict[str, Any]], scale: Scale, top: float, as_of: date
) -> tuple[list[str], float]:
    parts = ['<g class="invitations">']
    y = top
    found = list(invitations)
    if found:
        parts.append(_text(scale.left - 8, y + 15, "invitations", "lane-label", "end"))
    for invitation in found:
        start = date.fromisoformat(str(invitation["extended_on"])[:10])
        x1, x2 = scale.x(start), scale.x(invitation_end(invitation, as_of))
        width = max(round(x2 - x1, 2), 4)
        status = str(invitation.get("status"))
        label = invitation_label(invitation, as_of)
        parts.append(
            f'<rect class="invitation inv-{escape(status)}" x="{x1}" y="{y + 4}" width="{width}" '
            f'height="{INVITATION_ROW - 8}" rx="3"><title>{escape(label)}</title></rect>'
        )
        if scale.layout.invitation_labels:
            # The label goes where there is room: right of the bar, else left of it, else over it.
            needed = len(label) * LABEL_CHAR_WIDTH + 12
            if scale.right - (x1 + width) > needed:
                parts.append(_text(x1 + width + 6, y + 16, label, "inv-label"))
            elif x1 - scale.left > needed:
                parts.append(_text(x1 - 6, y + 16, label, "inv-label", "end"))
            else:
                parts.append(_text(x1 + 6, y + 16, label, "inv-label"))
        y += INVITATION_ROW
    parts.append("</g>")
    return parts, y


def _grid(scale: Scale, top: float, bottom: float) -> list[str]:
    """Vertical lines at the ticks, drawn first so that everything else sits on them."""
    lines = (
        f'<line class="grid" x1="{scale.x(day)}" y1="{top}" x2="{scale.x(day)}" y2="{bottom + 5}"/>'
        for day, _ in ticks(scale.start, scale.end, scale.layout.max_ticks)
    )
    return ['<g class="grid-lines">', *lines, "</g>"]


def _axis(scale: Scale, top: float, bottom: float, as_of: date) -> list[str]:
    parts = ['<g class="axis">']
    parts.append(
        f'<line class="axis-line" x1="{scale.left}" y1="{bottom}" x2="{scale.right}" y2="{bottom}"/>'
    )
    for day, label in ticks(scale.start, scale.end, scale.layout.max_ticks):
        x = scale.x(day)
        # Labels near either end are pulled inside the drawing instead of being cut off.
        anchor = "end" if x > scale.right - 40 else "start" if x < scale.left + 40 else "middle"
        parts.append(_text(x, bottom + 18, label, "tick", anchor))
    x = scale.x(as_of)
    parts.append(f'<line class="as-of" x1="{x}" y1="{top}" x2="{x}" y2="{bottom}"/>')
    parts.append(_text(x - 4, top + 14, f"as of {as_of.isoformat()}", "as-of-label", "end"))
    parts.append("</g>")
    return parts


def chart(view: DyadView, as_of: date, anchor: Any, layout: Layout = WIDE) -> str:
    """The dyad's SVG; ``anchor(event)`` gives the id of the event's row in the page's event list."""
    scale = time_range(view, as_of, layout)
    top = 8.0
    tone = _tone_panel(view.series, scale, top)
    if view.busy:  # bars of counts; only the open invitations, each as a bar (the list has the rest)
        lanes, y = _bars(view, scale, top + TONE_HEIGHT + GAP)
        invitations = [i for i in view.invitations if i.get("status") in OPEN_STATES]
    else:
        lanes, y = _lanes(view, scale, top + TONE_HEIGHT + GAP, anchor)
        invitations = list(view.invitations)
    bars, y = _invitations(invitations, scale, y + 6, as_of)
    axis_top = y + 4
    height = round(axis_top + AXIS_HEIGHT, 2)
    label = f"Tone, events and invitations of {view.key} up to {as_of.isoformat()}"
    return "\n".join(
        [
            f'<svg class="chart chart-{layout.name}" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {layout.width} {height}" role="img" aria-label="{escape(label)}">',
            *_grid(scale, top, axis_top),
            *tone,
            *lanes,
            *bars,
            *_axis(scale, top, axis_top, as_of),
            "</svg>",
        ]
    )
