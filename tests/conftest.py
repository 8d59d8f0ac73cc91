"""Shared fixtures. The network is blocked for every test (pytest-socket, see pyproject);
each test gets its own LIAISON_HOME; the real model and a real Chroma store of the shipped
corpus are built once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.offline import go_offline

go_offline()

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "corpus"


@pytest.fixture(scope="session")
def encoder_exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder of ONNX exports for the session: each test's home links to it, so the model
    is exported once, not by every test that ingests."""
    return tmp_path_factory.mktemp("encoders")


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoder_exports: Path
) -> Iterator[Path]:
    """No test touches the real home: config, data and stores live in a temp folder."""
    home = tmp_path / "home"
    (home / "data").mkdir(parents=True)
    (home / "data" / "encoders").symlink_to(encoder_exports, target_is_directory=True)
    monkeypatch.setenv("LIAISON_HOME", str(home))
    for var in list(os.environ):
        if var.startswith("LIAISON_") and var not in ("LIAISON_HOME",):
            monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    yield home


@pytest.fixture(scope="session")
def embedder(encoder_exports: Path):  # type: ignore[no-untyped-def]
    """The real packaged model, loaded once per session; questions through its ONNX export,
    made here once, as an ingest makes it for a user."""
    from assistant.index.embedder import Embedder

    e = Embedder(exports=encoder_exports)
    assert e.ensure_export()
    e.load()
    assert e.backend == "onnx"
    return e


@pytest.fixture(scope="session")
def shipped_store(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:  # type: ignore[no-untyped-def]
    """A real embedded Chroma store holding the shipped corpus, ingested once per session."""
    from assistant.config import Settings
    from assistant.index.sync import sync

    store = tmp_path_factory.mktemp("shipped") / "store"
    report = sync(Settings(store=str(store), corpus=SHIPPED), embedder=embedder)
    assert not report.rejected, report.rejected
    return store


@pytest.fixture
def shipped(shipped_store: Path, embedder):  # type: ignore[no-untyped-def]
    """An Assistant over the shipped corpus, sharing the session's model."""
    from assistant.config import Settings
    from assistant.service import Assistant

    return Assistant(Settings(store=str(shipped_store)), embedder=embedder)


def write_doc(root: Path, rel: str, front: str, body: str = "## Section\n\nSome text.\n") -> Path:
    """Write a corpus document: ``front`` is the YAML between the --- lines."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front.strip()}\n---\n{body}", encoding="utf-8")
    return path


# The fictional partners every test corpus draws from, written once.
TEST_PARTNERS: dict[str, dict[str, object]] = {
    "XBO": {
        "name": "Borealian Security Service",
        "country": "Borealia",
        "agreement_level": "SECRET",
        "communities": ["NORDIC-CT"],
        "languages": ["en", "sv"],
        "interpreter": "not-needed",
    },
    "XMA": {
        "name": "Maravian Intelligence Directorate",
        "country": "Maravia",
        "agreement_level": "CONFIDENTIAL",
        "communities": ["MED-MIGRATION"],
        "languages": ["es", "en"],
        "interpreter": "on-request",
    },
    "XNE": {
        "name": "Nerlandic Intelligence and Security Service",
        "country": "Nerland",
        "agreement_level": "SECRET",
        "communities": ["NORDIC-CT", "CENTRAL-FIN"],
    },
    "XCA": {
        "name": "Calderan Federal Protection Office",
        "country": "Caldera",
        "agreement_level": "SECRET",
        "communities": ["CENTRAL-FIN"],
    },
    "XVE": {
        "name": "Veridian National Intelligence Agency",
        "country": "Veridia",
        "agreement_level": "RESTRICTED",
        "communities": ["MED-MIGRATION"],
    },
    "XTA": {
        "name": "Tavarian State Protection Committee",
        "country": "Tavaria",
        "agreement_level": "UNCLASSIFIED",
    },
    "XTS": {
        "name": "Topsian Joint Intelligence Staff",
        "country": "Topsia",
        "agreement_level": "TOP SECRET",
        "communities": ["NORDIC-CT", "MED-MIGRATION"],
    },
}
DEFAULT_PARTNERS = ("XBO", "XMA")


def partners_yaml(*codes: str) -> str:
    """``partners.yaml`` text for the given test partners (default: XBO and XMA)."""
    import yaml

    chosen = codes or DEFAULT_PARTNERS
    return yaml.safe_dump({"partners": {c: TEST_PARTNERS[c] for c in chosen}}, sort_keys=False)


def registry_of(*codes: str):  # type: ignore[no-untyped-def]
    """The registry of the given test partners, as loading ``partners.yaml`` would build it."""
    from assistant.corpus.partners import Partner, Registry

    chosen = codes or DEFAULT_PARTNERS
    return Registry(
        partners={c: Partner.model_validate({"code": c, **TEST_PARTNERS[c]}) for c in chosen}
    )


PARTNERS_YAML = partners_yaml()


def make_corpus(
    root: Path,
    docs: dict[str, tuple[str, str]] | None = None,
    partners: tuple[str, ...] = DEFAULT_PARTNERS,
) -> Path:
    """A small corpus: partners.yaml (the given test partners) plus ``docs`` {relpath: (front
    matter, body)}."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "partners.yaml").write_text(partners_yaml(*partners), encoding="utf-8")
    for rel, (front, body) in (docs or {}).items():
        write_doc(root, rel, front, body)
    return root
