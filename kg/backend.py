"""The store the tool reads: the embedded Oxigraph build, or the external endpoint in KGQA_STORE."""

from __future__ import annotations

from pathlib import Path

from kg.config import is_endpoint_url, store_url
from kg.errors import InputError
from kg.store import EmbeddedStore, Store, open_store


def check_url(url: str) -> str:
    """An http(s) URL, or InputError in one line."""
    if not is_endpoint_url(url):
        raise InputError(f"KGQA_STORE must be an http(s) URL of a SPARQL endpoint, not {url!r}")
    return url


def open_configured_store(
    data_dir: Path, *, memory: bool | None = False, later: bool = False
) -> Store:
    """The remote store when KGQA_STORE is set, else the current embedded build in data_dir
    (on disk, in memory, or memory=None: in memory if small enough; copied there in the
    background with later; see kg.store.open_build)."""
    url = store_url()
    if url is None:
        return open_store(data_dir, memory=memory, later=later)
    from kg.remote import RemoteStore

    return RemoteStore(check_url(url))


def store_location(store: Store) -> str:
    """Where query workers open the same store: the build's folder, or the endpoint URL."""
    from kg.remote import RemoteStore

    if isinstance(store, RemoteStore):
        return store.endpoint
    if isinstance(store, EmbeddedStore):
        return str(store.build_dir)
    raise TypeError(f"unknown store {store!r}")
