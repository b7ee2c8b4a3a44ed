"""Where the packaged files are: the ontology, the shapes and the bundled corpus."""

from importlib.resources import files
from pathlib import Path


def _data(name: str) -> Path:
    return Path(str(files("kg").joinpath("data", name)))


def ontology_path() -> Path:
    """ontology.ttl (a link to the repository root's file in a checkout, a copy in a wheel)."""
    return _data("ontology.ttl")


def shapes_path() -> Path:
    """shapes.ttl, the SHACL shapes the build validates against."""
    return _data("shapes.ttl")


def bundled_corpus() -> Path:
    """The corpus folder shipped with the package."""
    return Path(str(files("kg").joinpath("corpus")))
