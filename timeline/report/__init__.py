"""The HTML report: one self-contained page per dyad (or for every dyad) with charts and sources.

``build`` gathers what the page shows from the store (through the service layer); ``render``
turns it into HTML with inline CSS and SVG and no reference to anything outside the file.
"""

from __future__ import annotations

from timeline.report.html import render
from timeline.report.model import DyadView, ReportView, build

__all__ = ["DyadView", "ReportView", "build", "render"]
