"""The busy pair's aggregates: bars of a readable number, invitations with the open ones first."""

from __future__ import annotations

from datetime import date

from timeline.report.busy import bucket_unit, buckets, grouped_invitations


def test_bars_are_weeks_while_they_fit_then_months_then_years() -> None:
    assert bucket_unit(date(2024, 1, 1), date(2025, 6, 1)) == "week"  # 74 weeks
    assert bucket_unit(date(2020, 1, 1), date(2026, 1, 1)) == "month"  # 313 weeks, 73 months
    assert bucket_unit(date(1990, 1, 1), date(2026, 1, 1)) == "year"
    bars = buckets(
        [(date(2024, 3, 5), "contact"), (date(2024, 3, 30), "conflict"), (date(2024, 5, 1), "contact")],
        "month",
    )
    assert [(b.start, b.end, b.total) for b in bars] == [
        (date(2024, 3, 1), date(2024, 4, 1), 2),
        (date(2024, 5, 1), date(2024, 6, 1), 1),
    ]
    assert bars[0].counts == {"contact": 1, "conflict": 1}
    (december,) = buckets([(date(2024, 12, 31), "contact")], "month")
    assert december.end == date(2025, 1, 1)
    (week,) = buckets([(date(2024, 3, 7), "contact")], "week")  # a Thursday
    assert (week.start, week.end) == (date(2024, 3, 4), date(2024, 3, 11))


def test_invitations_are_grouped_by_status_open_first_newest_first() -> None:
    found = [
        {"status": "declined", "extended_on": "2024-01-01"},
        {"status": "pending", "extended_on": "2024-02-01"},
        {"status": "fulfilled", "extended_on": "2024-03-01"},
        {"status": "accepted", "extended_on": "2024-04-01"},
        {"status": "pending", "extended_on": "2024-05-01"},
    ]
    groups = grouped_invitations(found)
    assert [s for s, _ in groups] == ["pending", "accepted", "fulfilled", "declined"]
    assert [i["extended_on"] for i in groups[0][1]] == ["2024-05-01", "2024-02-01"]
