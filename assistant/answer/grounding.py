"""The citation post-check: a model's sentence is kept only when it cites passages it was given."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.text import CITATION, citation_numbers, split_sentences, strip_marking

UNVERIFIED = "[unverified]"


Ungrounded = Literal["drop", "flag"]


_LEADING_CITATIONS = re.compile(r"^(?:\s*" + CITATION.pattern + r")+\s*")


_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL | re.IGNORECASE)


_REFUSAL = re.compile(
    r"\b(?:can ?not|can't|cannot|unable to)\s+(?:be\s+)?answer|"
    r"\b(?:passages?|sources?)\s+(?:do|does)\s+not\s+(?:contain|say|mention)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Grounded:
    """The model's text after the post-check."""

    text: str
    sources: list[int]
    """0-based indices of the passages cited, in the order of the new numbering [1], [2]..."""
    kept: int
    """Sentences with valid citations."""
    dropped: int
    flagged: int
    refused: bool
    """No sentence was grounded and the model said it could not answer."""


def ground(text: str, n_passages: int, *, ungrounded: Ungrounded = "drop") -> Grounded:
    """Keep the sentences whose every ``[n]`` points at one of the ``n_passages`` passages,
    renumber the citations to those used, and drop (or flag) every other sentence."""
    text = _THINK.sub("", text)
    numbering: dict[int, int] = {}
    lines_out: list[str] = []
    kept = dropped = flagged = 0
    for line in text.splitlines():
        bullet = _BULLET.match(line)
        prefix = bullet.group(0).strip() + " " if bullet else ""
        body = line[bullet.end() :] if bullet else line
        kept_here: list[str] = []
        for piece in split_sentences(body):
            # A citation goes after what it supports: a leading "[2] ..." (the model echoing a
            # passage header) supports nothing.
            sentence = strip_marking(_LEADING_CITATIONS.sub("", piece))
            if not re.search(r"\w", CITATION.sub("", sentence)):
                continue  # a stray citation or punctuation with no words
            cited = [n for m in CITATION.finditer(sentence) for n in citation_numbers(m.group(1))]
            if cited and all(1 <= n <= n_passages for n in cited):
                for n in cited:
                    numbering.setdefault(n, len(numbering) + 1)
                kept_here.append(_renumber(sentence, numbering))
                kept += 1
            elif ungrounded == "flag":
                kept_here.append(_flag(sentence))
                flagged += 1
            else:
                dropped += 1
        if kept_here:
            lines_out.append(prefix + " ".join(kept_here))
    refused = kept == 0 and bool(_REFUSAL.search(text))
    sources = [n - 1 for n in sorted(numbering, key=numbering.__getitem__)]
    return Grounded("\n".join(lines_out), sources, kept, dropped, flagged, refused)


def _renumber(sentence: str, numbering: dict[int, int]) -> str:
    def sub(m: re.Match[str]) -> str:
        seen = dict.fromkeys(numbering[n] for n in citation_numbers(m.group(1)))
        return "".join(f"[{n}]" for n in seen)

    return CITATION.sub(sub, sentence)


def _flag(sentence: str) -> str:
    bare = re.sub(r"\s+", " ", CITATION.sub("", sentence)).strip()
    bare = re.sub(r"\s+([.!?])", r"\1", bare)
    m = re.search(r"[.!?]+[\"'”’)]*$", bare)
    if m:
        return f"{bare[: m.start()]} {UNVERIFIED}{bare[m.start() :]}"
    return f"{bare} {UNVERIFIED}"
