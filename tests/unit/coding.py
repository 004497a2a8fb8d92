"""Helpers for tests that code short texts of their own: a dated article around a few sentences."""

from __future__ import annotations

from datetime import date

from timeline.domain.articles import Article, article_id_for
from timeline.domain.events import Event
from timeline.extract.pipeline import extract_events


def code(text: str, published: str = "2025-05-18") -> list[Event]:
    """The events of ``text`` as an article dated ``published`` from the outlet TST."""
    body = f" date {published} (TST) {text}"
    return extract_events(Article(article_id_for(body), date.fromisoformat(published), body))
