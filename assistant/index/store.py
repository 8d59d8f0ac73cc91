"""The vector store behind a small interface of our own. Chroma is the one implementation:
embedded (``PersistentClient``) for a folder, ``HttpClient`` for an ``http://`` URL.

chromadb is imported only when a store is opened, never at import of this module.
"""

from __future__ import annotations

import re
import time
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from assistant.errors import StoreError
from assistant.index.types import StoredChunk, VectorStore, Where
from assistant.offline import go_offline

if TYPE_CHECKING:
    from assistant.config import Settings

_READ_RETRIES = 5


def is_url(location: str) -> bool:
    return bool(re.match(r"^https?://", location))


class ChromaStore:
    """A Chroma collection with cosine distance. Embeddings are always given by us: Chroma's own
    embedding function (which would fetch a model) is switched off."""

    def __init__(
        self,
        location: str,
        collection: str = "liaison",
        *,
        token: str | None = None,
        ca: str | None = None,
        database: str | None = None,
    ) -> None:
        go_offline()
        self.location = location
        self.name = collection
        self.database = database
        self._token = token
        self._ca = ca
        self._open()

    def _open(self) -> None:
        location, collection = self.location, self.name
        try:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
            if is_url(location):
                url = urlparse(location)
                if self._ca:
                    settings.chroma_server_ssl_verify = self._ca
                client = self._http_client(chromadb, url, settings)
            else:
                Path(location).mkdir(parents=True, exist_ok=True)
                client = chromadb.PersistentClient(path=location, settings=settings)
            self._client = client
            self._meta_collection: Any = None
            self._collection = client.get_or_create_collection(
                collection,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
            )
        except StoreError:
            raise
        except Exception as exc:
            raise _refusal(location, exc, self._token) or StoreError(
                f"cannot open the store at {location}: {_first_line(exc)}",
                "check --store / LIAISON_STORE; a server must be running for an http:// store",
            ) from None

    def _http_client(self, chromadb: Any, url: Any, settings: Any) -> Any:
        """A client of the server, in this store's database (created when the server lets
        us: a plain ``chroma run`` does; the team proxy does not, its databases are made when
        the server starts)."""
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else None
        options: dict[str, Any] = {
            "host": url.hostname or "localhost",
            "port": url.port or (443 if url.scheme == "https" else 8000),
            "ssl": url.scheme == "https",
            "headers": headers,
            "settings": settings,
        }
        if self.database is None:
            return chromadb.HttpClient(**options)
        try:
            return chromadb.HttpClient(database=self.database, **options)
        except Exception as exc:
            if "not found" not in str(exc).lower():
                raise
        try:
            chromadb.AdminClient(
                type(settings)(
                    chroma_api_impl="chromadb.api.fastapi.FastAPI",
                    chroma_server_host=options["host"],
                    chroma_server_http_port=options["port"],
                    chroma_server_ssl_enabled=options["ssl"],
                    chroma_server_headers=headers,
                    chroma_server_ssl_verify=self._ca,
                    anonymized_telemetry=False,
                )
            ).create_database(self.database)
        except Exception as exc:
            raise _refusal(self.location, exc, self._token) or StoreError(
                f"the store at {self.location} has no database {self.database!r}",
                "start the server with: make serve-store (it makes one database per level)",
            ) from None
        return chromadb.HttpClient(database=self.database, **options)

    def read_meta(self, record: str) -> str | None:
        """A metadata record of the store (kept beside the chunks, in ``<collection>__meta``),
        or None when there is none."""
        got = self._guard(self._meta().get, ids=[record], include=["documents"])
        documents = got.get("documents") or []
        return str(documents[0]) if got["ids"] and documents else None

    def write_meta(self, record: str, text: str, version: str) -> None:
        """Replace a metadata record in one write (a reader gets the old one or the new one)."""
        self._guard(
            self._meta().upsert,
            ids=[record],
            embeddings=[[0.0]],
            documents=[text],
            metadatas=[{"version": version}],
        )

    def delete_meta(self, record: str) -> None:
        self._guard(self._meta().delete, ids=[record])

    def _meta(self) -> Any:
        if getattr(self, "_meta_collection", None) is None:
            self._meta_collection = self._guard(
                self._client.get_or_create_collection,
                name=f"{self.name}__meta",
                embedding_function=None,
            )
        return self._meta_collection

    def upsert(
        self,
        ids: Sequence[str],
        embeddings: Sequence[Sequence[float]],
        texts: Sequence[str],
        metas: Sequence[dict[str, Any]],
    ) -> None:
        if not ids:
            return
        self._guard(
            self._collection.upsert,
            ids=list(ids),
            embeddings=[list(map(float, e)) for e in embeddings],
            documents=list(texts),
            metadatas=list(metas),
        )

    def delete_doc(self, doc_id: str, keep: Collection[str] = ()) -> None:
        if not keep:
            self._guard(self._collection.delete, where={"doc_id": doc_id})
            return
        got = self._guard(self._collection.get, where={"doc_id": doc_id}, include=[])
        stale = [i for i in got["ids"] if i not in set(keep)]
        if stale:
            self._guard(self._collection.delete, ids=stale)

    def doc_ids(self) -> set[str]:
        got = self._guard(self._collection.get, include=["metadatas"])
        return {str(m.get("doc_id")) for m in got["metadatas"] or []}

    def query(self, vector: Sequence[float], k: int, where: Where | None) -> list[StoredChunk]:
        if k <= 0:
            return []
        got = self._read(
            self._collection.query,
            query_embeddings=[list(map(float, vector))],
            n_results=k,
            where=where or None,
            include=["documents", "metadatas", "distances"],
        )
        ids = got["ids"][0]
        docs = (got.get("documents") or [[]])[0] or []
        metas = (got.get("metadatas") or [[]])[0] or []
        dists = (got.get("distances") or [[]])[0] or []
        return [
            StoredChunk(i, d or "", dict(m or {}), float(x))
            for i, d, m, x in zip(ids, docs, metas, dists, strict=False)
        ]

    def all(self) -> list[StoredChunk]:
        got = self._read(self._collection.get, include=["documents", "metadatas"])
        return [
            StoredChunk(i, d or "", dict(m or {}))
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=False)
        ]

    def count(self) -> int:
        return int(self._guard(self._collection.count))

    def _read(self, fn: Any, **kwargs: Any) -> Any:
        """A read, retried on a fresh client when another process changed an embedded store
        under this one (Chroma keeps the vector index in memory and finds ids deleted since)."""
        try:
            return self._guard(fn, **kwargs)
        except StoreError:
            if is_url(self.location):
                raise
        for attempt in range(_READ_RETRIES):
            time.sleep(0.05 * (attempt + 1))
            self._reopen()
            try:
                return self._guard(getattr(self._collection, fn.__name__), **kwargs)
            except StoreError:
                if attempt == _READ_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _reopen(self) -> None:
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
        self._open()

    def _guard(self, fn: Any, **kwargs: Any) -> Any:
        try:
            return fn(**kwargs)
        except Exception as exc:
            refused = _refusal(self.location, exc, self._token)
            raise refused or StoreError(f"store operation failed: {_first_line(exc)}") from None


_DENIED = re.compile(r"\b(401|403)\b|unauthori[sz]ed|forbidden|authorization required", re.I)


def _refusal(location: str, exc: BaseException, token: str | None) -> StoreError | None:
    """A 401 or 403 from the store's proxy (or Chroma's own auth errors) as one line that
    says what to do; None for any other failure. The token itself is never shown."""
    status = getattr(exc, "code", None)
    code = status() if callable(status) else None
    text = str(exc)
    if code not in (401, 403) and not _DENIED.search(text):
        return None
    forbidden = code == 403 or re.search(r"\b403\b|forbidden", text, re.I) is not None
    if forbidden:
        return StoreError(
            f"the store at {location} refused this request (403): the token does not give "
            "access to it",
            "ask the store's administrator for access at your clearance",
        )
    if token:
        return StoreError(
            f"the store at {location} refused the token (401)",
            "check LIAISON_STORE_TOKEN (or store_token in the config): it may be mistyped "
            "or revoked",
        )
    return StoreError(
        f"the store at {location} needs a token (401)",
        "set LIAISON_STORE_TOKEN (or store_token in the config) to the token your "
        "administrator issued",
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def open_store(
    location: str, collection: str = "liaison", *, token: str | None = None, ca: str | None = None
) -> VectorStore:
    """The store in the folder ``location``, or one database of the server at ``location``
    (``token`` and ``ca`` are for a server behind the proxy). A configured server store is
    partitioned by level: see :func:`open_configured`."""
    return ChromaStore(location, collection, token=token, ca=ca)


def open_configured(settings: Settings) -> VectorStore:
    """The store a configuration names, with its token and CA bundle: a folder store is one
    Chroma collection; a server store is one database per classification level, read up to
    the configured clearance (:mod:`assistant.index.partition`)."""
    token, ca = settings.store_access()
    location = settings.store_location()
    if is_url(location):
        from assistant.index.partition import PartitionedStore

        return PartitionedStore(
            location, settings.collection, token=token, ca=ca, clearance=settings.clearance
        )
    return open_store(location, settings.collection, token=token, ca=ca)
