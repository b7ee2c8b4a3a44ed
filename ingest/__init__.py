"""Bringing documents in: reading them, proposing claims, reviewing them, readers' flags."""
