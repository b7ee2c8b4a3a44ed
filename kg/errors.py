"""Domain errors. They carry messages a user can act on and no HTTP status or exit code."""


class KgqaError(Exception):
    """Base of every error kgqa reports to a user as one line."""


class CorpusError(KgqaError):
    """A document or claims file is malformed: bad YAML, unknown concept, quote not found."""


class BuildError(KgqaError):
    """The graph could not be built: validation failed, another build holds the lock."""


class StoreError(KgqaError):
    """The store is missing, locked or unreadable."""


class QueryError(KgqaError):
    """A SPARQL query could not be parsed or run."""


class InputError(KgqaError):
    """A user's input (a question, a parameter, a file) is not acceptable."""
