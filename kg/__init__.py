"""The claim graph: corpus, claims files, build, validation, inference and the store."""

__version__ = "0.1.0"
