"""Article text -> statements -> events: pure functions, no database."""
