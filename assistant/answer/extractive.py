"""Cited answers. The default answerer is extractive: it quotes the sentences of the retrieved
passages that best answer the question, marks each with ``[n]``, and abstains when the evidence
is weak. It is deterministic and needs nothing but the corpus and the embedding model."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.answer.focus import QUANTITY_BONUS, asks_quantity, states_quantity
from assistant.answer.layout import asks_for_code, layout
from assistant.answer.spans import Atom, choose_spans
from assistant.answer.types import Answer
from assistant.corpus.chunking import context_text
from assistant.corpus.passage import Unit, units
from assistant.index.embedder import Embedder
from assistant.retrieval.types import Hit, SearchResult
from assistant.text import tokenize

if TYPE_CHECKING:
    import numpy as np

ABSTAIN_TEXT = "The corpus does not cover this question."
VECTOR_CACHE = 8192
"""Passage texts whose vectors an answerer keeps (about 1.5 kB each with MiniLM)."""
EVIDENCE_WEIGHTS = (0.45, 0.35, 0.2)
"""Evidence = weights . (best sentence relevance, question-word coverage of the top passage,
embedding similarity of the top passage); see :meth:`ExtractiveAnswerer._evidence`."""


class ExtractiveAnswerer:
    """Quotes whole spans of the passages that answer best (see :mod:`assistant.answer.spans`):
    units scored by relevance (embedding similarity plus lexical overlap), a lead-in always
    with its list, the general rule before a partner's particulars."""

    def __init__(
        self, embedder: Embedder, *, max_sentences: int = 4, min_evidence: float = 0.438
    ) -> None:
        self.embedder = embedder
        self.max_sentences = max_sentences
        """The main span's atoms at most (a lead-in with its list counts as one)."""
        self.min_evidence = min_evidence
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def _vectors(self, texts: list[str]) -> np.ndarray:
        """The vectors of passage texts, each encoded once: the same passages come back
        question after question, and encoding them is most of an answer's time."""
        import numpy as np

        with self._lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            found.update(zip(missing, self.embedder.encode(missing), strict=True))
        with self._lock:
            for text in dict.fromkeys(texts):
                self._cache[text] = found[text]
                self._cache.move_to_end(text)
            while len(self._cache) > VECTOR_CACHE:
                self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts])

    def answer(self, result: SearchResult, *, min_evidence: float | None = None) -> Answer:
        """The cited answer to ``result``'s question, or an abstention when the evidence is
        below ``min_evidence`` (default: the answerer's own)."""
        floor = self.min_evidence if min_evidence is None else min_evidence
        hits = result.hits
        if not hits:
            return self._abstain(result, evidence=0.0)
        qvec = result.query_vector
        if qvec is None:
            qvec = self.embedder.encode([result.query])[0]
        atoms = self._atoms(result.query, qvec, hits, result.partners)
        fresh = [a for a in atoms if not any(u.text in result.quoted for u in a.units)]
        atoms = fresh or atoms  # a part all of whose answer was given above repeats it
        evidence = self._evidence(result, qvec, hits[0], atoms)
        if evidence < floor or not atoms:
            return self._abstain(result, evidence=evidence)
        spans = choose_spans(atoms, hits, result.partners, length=self.max_sentences)
        text, cited = layout(spans, hits)
        return Answer(
            question=result.query,
            audience=result.audience,
            text=text,
            citations=cited,
            abstained=False,
            withheld=result.withheld,
            evidence=evidence,
        )

    def _evidence(
        self, result: SearchResult, qvec: np.ndarray, top: Hit, atoms: list[Atom]
    ) -> float:
        """How well the passages cover the question, from three signals that fail differently:
        the best sentence's relevance, the share of the question's content words the top
        passage (with its title and section) contains, and the top passage's embedding
        similarity. An out-of-scope question may find one similar-sounding sentence, but it
        rarely also finds its own words in the passage; weights calibrated with ``liaison eval``
        (docs/evaluation.md, "Tuning"). For a question carried over from another language the
        coverage counts its words (each covered by any of its renderings), not the words of
        the longer English query."""
        best = max((a.relevance for a in atoms), default=0.0)
        passage = context_text(top.title, top.section, top.text)
        coverage = _coverage(result, set(tokenize(passage)))
        dense = float(self._vectors([passage])[0] @ qvec)
        return (
            EVIDENCE_WEIGHTS[0] * best
            + EVIDENCE_WEIGHTS[1] * coverage
            + EVIDENCE_WEIGHTS[2] * dense
        )

    def _atoms(
        self, question: str, qvec: np.ndarray, hits: list[Hit], partners: Sequence[str] = ()
    ) -> list[Atom]:
        """Every quotable atom of the passages, scored. Code is quoted only when the question
        asks for a command; a lead-in whose list is not in the passage is never quoted. The
        codes of the partners the question names do not count as its words: the general rule
        does not name them, yet it answers. (Counting each word of a carried-over question once,
        by any of its renderings, was measured and lost: docs/answers.md.)"""
        qtokens = set(tokenize(question)) - set(tokenize(" ".join(partners)))
        with_code = asks_for_code(question)
        quantity = asks_quantity(question)
        groups: list[tuple[int, list[Unit]]] = []
        for i, hit in enumerate(hits):
            current: dict[int, list[Unit]] = {}
            for unit in units(hit.text):
                if unit.dangling or (unit.kind == "code" and not with_code):
                    continue
                current.setdefault(unit.group, []).append(unit)
            for members in current.values():
                if any(u.kind == "code" for u in members) and not with_code:
                    continue
                if (
                    len(members) == 1
                    and members[0].kind == "sentence"
                    and len(members[0].text) < 25
                ):
                    continue  # "Yes." or a stray fragment says nothing alone
                groups.append((i, members))
        if not groups:
            return []
        flat = [u.text for _, members in groups for u in members]
        vectors = self._vectors(flat)
        sims = vectors @ qvec
        atoms: list[Atom] = []
        at = 0
        for i, members in groups:
            scores = []
            vecs = []
            for unit in members:
                overlap = len(qtokens & set(tokenize(unit.text))) / len(qtokens) if qtokens else 0.0
                # Similarity dominates; overlap rewards the question's own terms; a small prior
                # favours the better-ranked passages.
                score = 0.75 * float(sims[at]) + 0.25 * overlap - 0.01 * i
                if quantity and states_quantity(unit.text):
                    score += QUANTITY_BONUS  # "how far ahead": the sentence with the days
                scores.append(score)
                vecs.append(vectors[at])
                at += 1
            atoms.append(Atom(i, members, max(scores), vecs))
        return atoms

    def _abstain(self, result: SearchResult, evidence: float) -> Answer:
        closest = result.hits[:3]
        if closest:
            names = "; ".join(
                f"[{n}] {hit.title} ({hit.section}, as of {hit.reviewed})"
                if hit.section
                else f"[{n}] {hit.title} (as of {hit.reviewed})"
                for n, hit in enumerate(closest, start=1)
            )
            text = f"{ABSTAIN_TEXT} The closest sources are: {names}."
        else:
            text = f"{ABSTAIN_TEXT} No passage available to this audience matches it."
        return Answer(
            question=result.query,
            audience=result.audience,
            text=text,
            citations=closest,
            abstained=True,
            withheld=result.withheld,
            evidence=evidence,
        )


def _coverage(result: SearchResult, passage: set[str]) -> float:
    """The share of the question's content words that ``passage`` (its tokens) contains."""
    if result.units:
        words = [set(tokenize(" ".join(unit))) for unit in result.units]
        words = [w for w in words if w]
        return sum(bool(w & passage) for w in words) / len(words) if words else 0.0
    qtokens = set(tokenize(result.query))
    return len(qtokens & passage) / len(qtokens) if qtokens else 0.0
