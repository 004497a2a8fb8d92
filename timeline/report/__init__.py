"""The HTML report: one self-contained page per dyad (or for every dyad) with charts and sources.

The service gathers what the page shows (``service.report_view``, a ReportView); ``render``
turns it into HTML with inline CSS and SVG and no reference to anything outside the file.
"""

from __future__ import annotations

from timeline.report.html import render
from timeline.report.model import DyadView, ReportView, dyad_view

__all__ = ["DyadView", "ReportView", "dyad_view", "render"]
