"""The two encoders against each other, with the real model: the ONNX export answers questions
like fp32 torch, reduced precision stays within cosine 0.99, and a query with an export loads
no torch at all."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.index.embedder import Embedder
from assistant.index.encoders import (
    MIN_COSINE,
    TorchEncoder,
    cpu_has_bf16,
    export_dir,
    normalise,
    read_export,
)
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

SENTENCES = [
    "Which gifts must be declared?",
    "Kell-e tolmács a maráviai találkozóhoz?",
    "Quels cadeaux faut-il déclarer ?",
    "Darf ich diesen Bericht an XBO weitergeben?",
    "The declaration of a gift is made on the Gifts Register form and sent to the Protocol "
    "Office within five working days of receipt.",
    "liaison " * 300,  # longer than the model reads: both sides truncate alike
    "x",
]


@pytest.fixture(scope="module")
def fp32(embedder: Embedder) -> TorchEncoder:
    return TorchEncoder(embedder.location(), precision="fp32")


def test_the_onnx_export_agrees_with_fp32_torch(embedder: Embedder, fp32: TorchEncoder) -> None:
    assert embedder.backend == "onnx"
    onnx = embedder.encode(SENTENCES)
    torch = fp32.encode(SENTENCES)
    assert onnx.dtype == np.float32 and onnx.shape == torch.shape == (len(SENTENCES), 384)
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    assert (onnx * torch).sum(axis=1).min() >= 0.999
    # One text at a time or in a batch (padded): the same vectors.
    single = np.vstack([embedder.encode([s]) for s in SENTENCES])
    assert (single * onnx).sum(axis=1).min() >= 0.9999


def test_an_export_of_another_model_folder_is_not_used(
    embedder: Embedder, encoder_exports: Path, tmp_path: Path
) -> None:
    location = embedder.location()
    info = read_export(location, encoder_exports)
    assert info is not None and info.cosine >= MIN_COSINE and info.dimension == 384
    # Another model folder, or the same one with its weights replaced: not this export.
    copy = tmp_path / "model"
    shutil.copytree(location, copy)
    assert export_dir(str(copy), encoder_exports) != export_dir(location, encoder_exports)
    assert read_export(str(copy), encoder_exports) is None
    before = export_dir(str(copy), encoder_exports)
    weights = copy / "model.safetensors"
    os.utime(weights, ns=(weights.stat().st_atime_ns, weights.stat().st_mtime_ns + 10**9))
    assert export_dir(str(copy), encoder_exports) != before
    # A damaged record is not trusted either.
    broken = tmp_path / "exports"
    folder = export_dir(location, broken)
    folder.mkdir(parents=True)
    (folder / "model.onnx").write_bytes(b"not a model")
    record = {**info.__dict__, "cosine": 0.5}
    (folder / "export.json").write_text(json.dumps(record))
    assert read_export(location, broken) is None
    fallback = Embedder(exports=broken)
    fallback.load()
    assert fallback.backend == "torch"


def test_torch_only_when_asked(encoder_exports: Path) -> None:
    e = Embedder(query_backend="torch", exports=encoder_exports)
    assert e.ensure_export() is False
    e.load()
    assert e.backend == "torch"


def test_reduced_precision_stays_within_the_floor(embedder: Embedder, fp32: TorchEncoder) -> None:
    bf16 = TorchEncoder(embedder.location(), precision="bf16")
    assert bf16.precision == "bf16"  # asked for: kept whenever it is accurate enough
    assert bf16.cosine >= MIN_COSINE
    cosine = (bf16.encode(SENTENCES) * fp32.encode(SENTENCES)).sum(axis=1)
    assert cosine.min() >= MIN_COSINE
    auto = TorchEncoder(embedder.location(), precision="auto")
    if not cpu_has_bf16():
        assert auto.precision == "fp32"  # emulated bf16 is never chosen by itself


def test_normalise_makes_unit_float32_rows() -> None:
    out = normalise(np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float64))
    assert out.dtype == np.float32
    assert np.allclose(out, [[0.6, 0.8], [0.0, 0.0]])


QUERY = """
import json, sys
from pathlib import Path
from assistant.index.embedder import Embedder
e = Embedder(exports=Path(sys.argv[1]))
vector = e.encode(["Which gifts must be declared?"])[0]
print(json.dumps({"backend": e.backend, "norm": float((vector ** 2).sum()),
                  "heavy": sorted(m for m in ("torch", "sentence_transformers", "transformers")
                                  if m in sys.modules)}))
"""


def test_a_question_with_an_export_loads_no_torch(
    embedder: Embedder, encoder_exports: Path
) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", QUERY, str(encoder_exports)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    got = json.loads(out.stdout)
    assert got["backend"] == "onnx"
    assert abs(got["norm"] - 1.0) < 1e-4
    assert got["heavy"] == []
