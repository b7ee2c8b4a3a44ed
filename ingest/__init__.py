"""Bring your own documents: claim proposals from text (spaCy, rules kept as data), above kg."""
