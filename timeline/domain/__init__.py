"""The domain: events, articles and the vocabulary. Plain Python; no SQLAlchemy, no click."""
