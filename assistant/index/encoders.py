"""The two ways the embedding model runs: torch (sentence-transformers), and ONNX Runtime.

- **Documents** are embedded by torch at ingest, in bfloat16 where the CPU has native bf16
  (AVX-512 BF16 or AMX) and a probe shows it both faster and within ``MIN_COSINE`` of fp32;
  in fp32 otherwise.
- **Questions** are embedded by ONNX Runtime with the ``tokenizers`` library, from a copy of the
  same weights exported once (at ingest, or the first time torch is loaded) into the data
  directory. A query then loads neither torch nor sentence-transformers: about 0.4 s instead
  of about 4 s. The export is checked against the fp32 torch encoder before it is kept (cosine
  at least ``MIN_COSINE`` on every probe sentence), and it is tied to the model folder it was
  made from: a changed model folder is never answered by a stale export.

Vectors are float32 and unit length whichever way they were made, so a store written in bf16
is queried in fp32 and the other way round.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from assistant import paths
from assistant.files import write_atomic

if TYPE_CHECKING:
    import numpy as np

Precision = Literal["auto", "fp32", "bf16"]
MIN_COSINE = 0.99
EXPORT_FORMAT = 1
PROBES = (
    "Which gifts must be declared?",
    "Wie empfange ich eine ausländische Delegation?",
    "Hogyan kell fogadni egy külföldi delegációt?",
    "Puis-je partager ce rapport avec un service partenaire ?",
    "The head of the guest delegation sits opposite the host; interpreters sit behind their "
    "principals, and the seating plan is agreed with the partner's protocol officer at least "
    "two working days before the meeting. " * 3,
    "TLP:AMBER+STRICT",
)


def normalise(vectors: np.ndarray) -> np.ndarray:
    """float32, each row of unit length (a zero row stays zero)."""
    import numpy as np

    out = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    unit: np.ndarray = out / np.maximum(norms, 1e-12)
    return unit


def cpu_has_bf16() -> bool:
    """Native bfloat16 arithmetic on this CPU (Linux flags; elsewhere: assume not)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="ignore")
    except OSError:
        return False
    words = set(flags.split())
    return bool(words & {"avx512_bf16", "amx_bf16"})


def max_length(location: str) -> int:
    """The longest input the model reads, in tokens (sentence-transformers' own setting)."""
    try:
        config = json.loads((Path(location) / "sentence_bert_config.json").read_text("utf-8"))
        return int(config.get("max_seq_length", 256))
    except (OSError, ValueError, TypeError):
        return 256


class TorchEncoder:
    """sentence-transformers on the CPU, in the chosen precision."""

    def __init__(self, location: str, precision: Precision = "auto", batch_size: int = 32):
        # oneDNN keeps a compiled kernel per input shape, and every batch of an ingest has its
        # own length: a small cache (measured: no slower) keeps the memory of a long ingest
        # from growing with it. Set before torch loads oneDNN; a user's own setting wins.
        os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "8")
        from sentence_transformers import SentenceTransformer

        self.location = location
        self.batch_size = batch_size
        self.model = SentenceTransformer(location, device="cpu", local_files_only=True)
        self.dimension = int(_dimension(self.model))
        self.precision: Literal["fp32", "bf16"] = "fp32"
        self.cosine = 1.0
        if precision == "bf16" or (precision == "auto" and cpu_has_bf16()):
            self._try_bf16(force=precision == "bf16")

    def encode(self, texts: list[str]) -> np.ndarray:
        import torch

        with torch.inference_mode():
            raw = self.model.encode(
                texts,
                batch_size=self.batch_size,
                convert_to_numpy=False,
                convert_to_tensor=True,
                show_progress_bar=False,
            )
        vectors = normalise(raw.float().numpy())
        del raw
        _give_back_memory()
        return vectors

    def _try_bf16(self, *, force: bool) -> None:
        """Keep bf16 only if it stays within MIN_COSINE of fp32, and (unless asked for) only
        if it is faster here: emulated bf16 is slower than fp32."""
        import torch

        probes = list(PROBES) * 4
        start = time.perf_counter()
        fp32 = self.encode(probes)
        fp32_time = time.perf_counter() - start
        self.model.to(torch.bfloat16)
        self.encode(probes[:2])  # the first bf16 call pays for kernel selection
        start = time.perf_counter()
        bf16 = self.encode(probes)
        bf16_time = time.perf_counter() - start
        cosine = float((fp32 * bf16).sum(axis=1).min())
        if cosine >= MIN_COSINE and (force or bf16_time < fp32_time):
            self.precision, self.cosine = "bf16", cosine
        else:
            self.model.to(torch.float32)


def _give_back_memory() -> None:
    """Return the freed activations of a batch to the system (glibc keeps them otherwise, and
    an ingest's peak memory then grows with the corpus); nothing where there is no glibc."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _dimension(model: Any) -> int:
    size = getattr(model, "get_embedding_dimension", None)
    if size is None:  # sentence-transformers before 5.1 names it so
        size = model.get_sentence_embedding_dimension
    return int(size())


# -- ONNX ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportInfo:
    """What an export was made from, kept next to it."""

    format: int
    model: str
    fingerprint: str
    dimension: int
    cosine: float
    max_length: int


def fingerprint(location: str) -> str:
    """Identifies a model folder's weights and tokenizer cheaply (names, sizes, mtimes)."""
    digest = hashlib.sha256(str(Path(location).resolve()).encode())
    for path in sorted(Path(location).rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:24]


def export_dir(location: str, root: Path | None = None) -> Path:
    """Where the ONNX copy of the model in ``location`` lives: under ``root``, by default the
    data directory's ``encoders`` folder."""
    return (root or paths.data_dir() / "encoders") / fingerprint(location)


def read_export(location: str, root: Path | None = None) -> ExportInfo | None:
    """The export of this model folder, if there is a complete, matching one."""
    folder = export_dir(location, root)
    try:
        info = ExportInfo(**json.loads((folder / "export.json").read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    if info.format != EXPORT_FORMAT or info.fingerprint != fingerprint(location):
        return None
    if info.cosine < MIN_COSINE or not (folder / "model.onnx").is_file():
        return None
    return info


def export_onnx(
    encoder: TorchEncoder, model_name: str, root: Path | None = None
) -> ExportInfo | None:
    """Export ``encoder``'s model to ONNX (mean pooling and normalisation inside the graph),
    check it against fp32 torch, and keep it only if every probe agrees. None when the export
    cannot be made here (no ``onnx`` package) or does not agree; queries then use torch."""
    import numpy as np
    import torch

    location = encoder.location
    folder = export_dir(location, root)
    try:
        import onnx  # noqa: F401  (the exporter needs it)
        import onnxruntime  # noqa: F401
    except ImportError:
        return None
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=folder.parent))
    try:
        transformer: Any = encoder.model[0].auto_model
        was = next(transformer.parameters()).dtype
        transformer.to(torch.float32)
        try:
            reference = encoder.encode(list(PROBES))
            _export_graph(transformer, encoder.model.tokenizer, work / "model.onnx")
        finally:
            transformer.to(was)
        shutil.copyfile(Path(location) / "tokenizer.json", work / "tokenizer.json")
        onnx_encoder = OnnxEncoder(work, max_length(location))
        cosine = float(np.min((reference * onnx_encoder.encode(list(PROBES))).sum(axis=1)))
        if cosine < MIN_COSINE:
            return None
        info = ExportInfo(
            EXPORT_FORMAT,
            model_name,
            fingerprint(location),
            encoder.dimension,
            cosine,
            max_length(location),
        )
        write_atomic(work / "export.json", json.dumps(info.__dict__))
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        os.replace(work, folder)  # a reader sees no export or a whole one
        return info
    except Exception:  # an export that fails costs speed, never an answer
        return None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _export_graph(transformer: Any, tokenizer: Any, target: Path) -> None:
    import warnings

    import torch

    class Pooled(torch.nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=1)

    sample = tokenizer(
        ["a short one", "a somewhat longer sample sentence"], padding=True, return_tensors="pt"
    )
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "tokens"} for name in names}
    with warnings.catch_warnings(), torch.inference_mode(False):
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pooled(transformer).eval(),
            tuple(sample[name] for name in names),
            str(target),
            input_names=names,
            output_names=["embedding"],
            dynamic_axes={**axes, "embedding": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )


class OnnxEncoder:
    """The exported model, run by ONNX Runtime; tokens from the model's own tokenizer.json."""

    def __init__(self, folder: Path, max_tokens: int, batch_size: int = 32) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.batch_size = batch_size
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, min(4, os.cpu_count() or 1))
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(
            str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        # Shortest first, so each batch pads to a similar length; results in input order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[np.ndarray] = [np.empty(0)] * len(texts)
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            encoded = self.tokenizer.encode_batch([texts[i] for i in batch])
            feed = {
                "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
            }
            vectors = self.session.run(None, feed)[0]
            for i, vector in zip(batch, vectors, strict=True):
                out[i] = vector
        return normalise(np.vstack(out))
