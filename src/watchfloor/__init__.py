"""watchfloor: turn conflict and security reporting into structured, searchable events."""

__version__ = "0.1.0"
