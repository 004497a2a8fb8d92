"""timeline: an event-sourced, bitemporal timeline store for diplomatic news."""

__version__ = "0.1.0"
