"""Bringing documents in: reading them, proposing claims (spaCy, cues kept as data), reviewing
them, readers' flags. Above kg only."""
