"""Cited answers. The default answerer is extractive: it quotes the sentences of the retrieved
passages that best answer the question, marks each with ``[n]``, and abstains when the evidence
is weak. It is deterministic and needs nothing but the corpus and the embedding model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.answer.types import Answer
from assistant.corpus.chunking import context_text
from assistant.index.embedder import Embedder
from assistant.retrieval.types import Hit, SearchResult
from assistant.text import sentences, strip_marking, tokenize

ABSTAIN_TEXT = "The corpus does not cover this question."
EVIDENCE_WEIGHTS = (0.45, 0.35, 0.2)
"""Evidence = weights . (best sentence relevance, question-word coverage of the top passage,
embedding similarity of the top passage); see :meth:`ExtractiveAnswerer._evidence`."""


@dataclass(frozen=True)
class _Candidate:
    hit_index: int
    position: int
    text: str
    relevance: float
    vector: np.ndarray


class ExtractiveAnswerer:
    """Sentence selection by relevance (embedding similarity plus lexical overlap), with
    redundancy removed by maximal marginal relevance."""

    def __init__(
        self,
        embedder: Embedder,
        *,
        max_sentences: int = 4,
        min_evidence: float = 0.438,
        mmr_lambda: float = 0.7,
    ) -> None:
        self.embedder = embedder
        self.max_sentences = max_sentences
        self.min_evidence = min_evidence
        self.mmr_lambda = mmr_lambda

    def answer(self, result: SearchResult) -> Answer:
        hits = result.hits
        if not hits:
            return self._abstain(result, evidence=0.0)
        qvec = result.query_vector
        if qvec is None:
            qvec = self.embedder.encode([result.query])[0]
        candidates = self._candidates(result.query, qvec, hits)
        evidence = self._evidence(result, qvec, hits[0], candidates)
        if evidence < self.min_evidence:
            return self._abstain(result, evidence=evidence)
        chosen = self._select(candidates)
        # Present in reading order: by passage rank, then by position in the passage.
        chosen.sort(key=lambda c: (c.hit_index, c.position))
        numbering: dict[int, int] = {}
        parts: list[str] = []
        for cand in chosen:
            n = numbering.setdefault(cand.hit_index, len(numbering) + 1)
            parts.append(f"{_as_sentence(cand.text)} [{n}]")
        cited = [hits[i] for i in sorted(numbering, key=numbering.__getitem__)]
        return Answer(
            question=result.query,
            audience=result.audience,
            text=" ".join(parts),
            citations=cited,
            abstained=False,
            withheld=result.withheld,
            evidence=evidence,
        )

    def _evidence(
        self, result: SearchResult, qvec: np.ndarray, top: Hit, candidates: list[_Candidate]
    ) -> float:
        """How well the passages cover the question, from three signals that fail differently:
        the best sentence's relevance, the share of the question's content words the top
        passage (with its title and section) contains, and the top passage's embedding
        similarity. An out-of-scope question may find one similar-sounding sentence, but it
        rarely also finds its own words in the passage; weights calibrated with ``liaison eval``
        (docs/evaluation.md, "Tuning"). For a question carried over from another language the
        coverage counts its words (each covered by any of its renderings), not the words of
        the longer English query."""
        best = max((c.relevance for c in candidates), default=0.0)
        passage = context_text(top.title, top.section, top.text)
        coverage = _coverage(result, set(tokenize(passage)))
        dense = float(self.embedder.encode([passage])[0] @ qvec)
        return (
            EVIDENCE_WEIGHTS[0] * best
            + EVIDENCE_WEIGHTS[1] * coverage
            + EVIDENCE_WEIGHTS[2] * dense
        )

    def _candidates(self, question: str, qvec: np.ndarray, hits: list[Hit]) -> list[_Candidate]:
        qtokens = set(tokenize(question))
        texts: list[tuple[int, int, str]] = []
        for i, hit in enumerate(hits):
            for j, sentence in enumerate(strip_marking(s) for s in sentences(hit.text)):
                if len(sentence) >= 25 and not sentence.startswith("|"):
                    texts.append((i, j, sentence))
        if not texts:
            return []
        vectors = self.embedder.encode([t for _, _, t in texts])
        sims = vectors @ qvec
        out = []
        for (i, j, text), vec, sim in zip(texts, vectors, sims, strict=True):
            stoks = set(tokenize(text))
            overlap = len(qtokens & stoks) / len(qtokens) if qtokens else 0.0
            # Similarity dominates; overlap rewards sentences that use the question's own terms;
            # a small prior favours the better-ranked passages.
            relevance = 0.75 * float(sim) + 0.25 * overlap - 0.01 * i
            out.append(_Candidate(i, j, text, relevance, vec))
        return out

    def _select(self, candidates: list[_Candidate]) -> list[_Candidate]:
        pool = sorted(candidates, key=lambda c: -c.relevance)
        best = pool[0].relevance
        chosen: list[_Candidate] = [pool.pop(0)]
        while pool and len(chosen) < self.max_sentences:

            def mmr(c: _Candidate) -> float:
                redundancy = max(float(c.vector @ s.vector) for s in chosen)
                return self.mmr_lambda * c.relevance - (1 - self.mmr_lambda) * redundancy

            nxt = max(pool, key=mmr)
            pool.remove(nxt)
            redundancy = max(float(nxt.vector @ s.vector) for s in chosen)
            # Stop at sentences much weaker than the best, or near-repeats of one already chosen.
            if nxt.relevance < best * 0.8 or redundancy > 0.9:
                continue
            chosen.append(nxt)
        if len(chosen) == 1 and len(chosen[0].text) < 120:
            # One short sentence rarely answers alone: add its best neighbour in the same passage.
            same = [
                c
                for c in candidates
                if c.hit_index == chosen[0].hit_index and abs(c.position - chosen[0].position) == 1
            ]
            if same:
                chosen.append(max(same, key=lambda c: c.relevance))
        return chosen

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
        units = [set(tokenize(" ".join(unit))) for unit in result.units]
        units = [u for u in units if u]
        return sum(bool(u & passage) for u in units) / len(units) if units else 0.0
    qtokens = set(tokenize(result.query))
    return len(qtokens & passage) / len(qtokens) if qtokens else 0.0


def _as_sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", ":", ";")) else text + "."
