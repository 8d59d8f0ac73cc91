"""Turns to save, reopen and export: answers with citations of known handling."""

from __future__ import annotations

import datetime as dt

from assistant.answer.types import Answer, Ruling
from assistant.conversation.session import make_turn
from assistant.conversation.store import Turn
from assistant.corpus.markings import Handling
from assistant.retrieval.types import Withheld
from tests.tui.conftest import make_hit

PUBLIC = Handling(classification="UNCLASSIFIED", originator="OWN")
FOR_XBO = Handling(classification="CONFIDENTIAL", originator="OWN", rel_to=["XBO"])
SECRET_OWN = Handling(classification="SECRET", originator="OWN")
AT = dt.datetime(2026, 11, 30, 14, 2, tzinfo=dt.UTC)


def answer(text: str, *handlings: Handling, audience: str | None = None) -> Answer:
    hits = [
        make_hit(i, f"Doc {i}", f"Section {i}", h, text=f"Passage {i} says {text}.")
        for i, h in enumerate(handlings, start=1)
    ]
    for hit, h in zip(hits, handlings, strict=True):
        hit.meta["doc_id"] = f"doc-{h.classification}-{hit.chunk_id}"
    return Answer(
        question=text,
        audience=audience,
        text=" ".join(f"Claim {i} [{i}]." for i in range(1, len(hits) + 1)),
        citations=hits,
        abstained=not hits,
        withheld=[Withheld("w1", "Withheld paper", "XCA", "NEEDS_CONSENT", "tlp-green", "r")],
        notice="a notice",
        rulings=[Ruling("doc-1", "XBO", "ALLOW", "rel-to")],
    )


def turn(
    question: str, *handlings: Handling, audience: str | None = None, clearance: str = "SECRET"
) -> Turn:
    return make_turn(question, None, audience, clearance, answer(question, *handlings), at=AT)
