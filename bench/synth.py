"""Synthetic corpora of a given size, built from the shipped corpus's own sentences.

A synthetic corpus is the shipped corpus (so the evaluation questions still have their
answers) plus generated notes of about 480 words each: sections of sentences drawn from the
shipped documents, recombined, under real handling markings from the shipped registry's
partners. Deterministic for a given size and seed.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

from assistant.corpus.loader import load_corpus

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "corpus"
WORDS_PER_DOC = 480
SECTIONS = 4
CHUNKS_PER_DOC = 4.1
"""Measured: the default chunker cuts a generated note into about four chunks."""
SHIPPED_CHUNKS = 392
HANDLINGS = (
    "{classification: UNCLASSIFIED, originator: OWN}",
    "{classification: UNCLASSIFIED, originator: OWN, tlp: CLEAR}",
    "{classification: RESTRICTED, originator: OWN, rel_to: [XBO, XMA]}",
    "{classification: CONFIDENTIAL, originator: OWN, rel_to: [XBO]}",
    "{classification: SECRET, originator: OWN}",
)
KINDS = ("doctrine", "etiquette", "lesson")


def sentences(corpus: Path = SHIPPED) -> list[str]:
    """Every prose sentence of the corpus (list items and tables left out)."""
    out: list[str] = []
    for doc in load_corpus([corpus]).documents:
        for section in doc.sections:
            for raw in section.text.split("\n\n"):
                paragraph = raw.strip()
                if not paragraph or paragraph[0] in "-*|#>`0123456789":
                    continue
                out += [s for s in re.split(r"(?<=[.!?])\s+", paragraph) if len(s.split()) > 4]
    return out


def _note(i: int, rng: random.Random, pool: list[str]) -> str:
    words = [w for w in rng.choice(pool).split() if w.isalpha()][:4] or ["note"]
    title = " ".join(words).capitalize()
    front = (
        f"---\nid: synth-{i:06d}\ntitle: {title} ({i})\nkind: {rng.choice(KINDS)}\n"
        f"language: en\nreviewed: 2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}\n"
        f"handling: {rng.choice(HANDLINGS)}\n---\n"
    )
    body = []
    per_section = WORDS_PER_DOC // SECTIONS
    for j in range(SECTIONS):
        text: list[str] = []
        while sum(len(s.split()) for s in text) < per_section:
            text.append(rng.choice(pool))
        heading = " ".join(rng.choice(pool).split()[:5]).rstrip(".,;:")
        body.append(f"## {heading} {j + 1}\n\n" + " ".join(text) + "\n")
    return front + "\n" + "\n".join(body)


def build(target: Path, chunks: int, seed: int = 7) -> Path:
    """A corpus of about ``chunks`` chunks in ``target`` (made afresh): the shipped corpus plus
    generated notes. ``chunks`` at or below the shipped corpus's size gives the shipped one."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(SHIPPED, target)
    wanted = max(0, round((chunks - SHIPPED_CHUNKS) / CHUNKS_PER_DOC))
    if wanted:
        rng = random.Random(seed)
        pool = sentences()
        folder = target / "synthetic"
        folder.mkdir()
        for i in range(wanted):
            sub = folder / f"{i // 1000:03d}"
            sub.mkdir(exist_ok=True)
            (sub / f"synth-{i:06d}.md").write_text(_note(i, rng, pool), encoding="utf-8")
    return target


def source_ids(corpus: Path) -> dict[Path, str]:
    """Each document file of a corpus, resolved, with its id (to score the naive pipeline's
    hits, which know only the file they came from)."""
    return {doc.path.resolve(): doc.id for doc in load_corpus([corpus]).documents}
