"""The question lexicon: everyday words of the corpus in the officers' languages.

The termbase holds the service's terminology (concepts with definitions); a question also
carries ordinary words ("which countries make up the alliance", "how many days") that are no
terms. The lexicon renders those: for each content word of the English corpus (its lemmas that
occur in at least two documents), the words a Hungarian, German or French speaker would use
for it. It ships with the package (``assistant/data/lexicon/<lang>.tsv``: ``english<TAB>form;
form``), is read lazily and only for a question that is not in English.

A question word is looked up by its Snowball stem (``szövetséget`` and ``szövetség`` share
one), then, in languages that write compounds as one word, by its head (``Biergläsern`` ->
``Glas``, with ``Bier`` when the rest is a word too). Words the corpus does not use are not in
the lexicon, so an out-of-scope question keeps its foreign words and finds little evidence.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.text import fold

LEXICON_DIR = Path(__file__).parent / "data" / "lexicon"

_SNOWBALL = {
    "hu": "hungarian",
    "de": "german",
    "fr": "french",
    "sv": "swedish",
    "es": "spanish",
    "it": "italian",
    "nl": "dutch",
    "ru": "russian",
}
"""Languages PyStemmer stems; a lexicon in another language matches written forms only."""
_COMPOUNDING = frozenset({"hu", "de", "nl", "sv"})
_MIN_FORM = 3
"""Forms shorter than this are not indexed (articles and particles collide across meanings)."""
_MIN_HEAD = 4
_SEPARABLE_DE = frozenset(
    "ab an auf aus bei ein fest fort her hin los mit nach vor weg zu zuruck zusammen".split()
)
"""German verb particles that stand apart at the end of a clause."""
_MIN_PREFIX = 5
"""A stem must be this long to be read at the start of a longer word."""
_MAX_ENDING = 4
"""The longest ending :meth:`Lexicon._prefix` strips (Hungarian ``-jait``, German ``-ungen``)."""
_POTENTIAL_HU = re.compile(
    r"^(\w{3,}?)(?:hat|het)(?:ok|ek|sz|unk|tok|tek|nak|nek|ja|juk|i|om|em|nam|nem)?$"
)
"""A Hungarian verb form with the suffix of ability and a personal ending."""
_FEMININE_MARK = "[f]"
"""Marks a German form whose sense is that of a feminine noun (``ladder<TAB>Leiter [f]``)."""
_NOT_FEMININE = frozenset("den dem des einen einem eines diesen diesem dieses".split())
"""German articles that never precede a feminine noun in the singular."""
_MAX_SENSES = 3
"""A form with more English renderings than this is too ambiguous to translate."""

_lock = threading.Lock()


@dataclass
class Lexicon:
    lang: str
    _stems: dict[str, list[str]] = field(default_factory=dict)
    _forms: dict[str, list[str]] = field(default_factory=dict)
    """Senses by the form as written (folded): a stemmer may conflate words (French ``bas``
    and ``base``) that the written form still tells apart."""
    _stemmer: Any = None
    _feminine: dict[str, set[str]] = field(default_factory=dict)
    """German: the senses a written form has only as a feminine noun (``Leiter [f]``: the
    ladder; der Leiter is the head), by the folded form."""

    def __len__(self) -> int:
        return len(self._stems)

    def stem(self, word: str) -> str:
        word = word.lower()
        if self._stemmer is not None:
            word = self._stemmer.stemWord(word)
        return fold(word)

    def add(self, english: str, form: str) -> None:
        words = form.split()
        if len(words) != 1 or len(form) < _MIN_FORM:
            return  # multi-word forms belong to the termbase; single words carry the question
        key = self.stem(form)
        if len(key) < _MIN_FORM:
            return  # "élet" stems to "él", which every "el" of a Hungarian question would hit
        for index, at in ((self._stems, key), (self._forms, fold(form.lower()))):
            senses = index.setdefault(at, [])
            if english not in senses:
                senses.append(english)

    def translate(self, word: str, after: str = "") -> list[str]:
        """The English words for one question word (as written), or [] if unknown. ``after``
        is the word before it: after a German article that is never feminine singular (den,
        dem, des, einen, einem, eines) a form's feminine senses are left out."""
        senses = self._translate(word)
        feminine = self._feminine.get(fold(word.lower()))
        if feminine and fold(after.lower()) in _NOT_FEMININE:
            senses = [s for s in senses if s not in feminine]
        return senses

    def _translate(self, word: str) -> list[str]:
        if len(word) < _MIN_FORM:
            return []
        senses = self._forms.get(fold(word.lower()))
        if senses is None and self.lang == "de" and word[:1].islower():
            senses = self._participle(word)  # participles are written in lower case
        senses = senses or self._stems.get(self.stem(word))
        if senses is None:
            senses = self._prefix(word)
        if senses is None and self.lang == "hu" and _POTENTIAL_HU.match(fold(word.lower())):
            senses = self._potential(word)  # a verb: never a compound ending in "hat" (six)
        elif senses is None and self.lang in _COMPOUNDING:
            senses = self._compound(word)
        if not senses or len(senses) > _MAX_SENSES:
            return []
        return list(senses)

    def _participle(self, word: str) -> list[str] | None:
        """A German past participle read as its verb: ``geantwortet`` -> ``antwortet``,
        ``angekündigt`` -> ``ankündigt`` (the ``ge`` after a separable particle)."""
        lower = word.lower()
        candidates = []
        if lower.startswith("ge") and len(lower) > 6:
            candidates.append(lower[2:])
        for particle in _SEPARABLE_DE:
            if lower.startswith(particle + "ge") and len(lower) > len(particle) + 5:
                candidates.append(particle + lower[len(particle) + 2 :])
        for candidate in candidates:
            senses = self._forms.get(fold(candidate)) or self._stems.get(self.stem(candidate))
            senses = senses or self._prefix(candidate)
            if senses:
                return senses
        return None

    def particle_verbs(self, words: list[str]) -> dict[int, list[str]]:
        """German separable verbs split by the sentence: in "Wie redet man ihn an?" the particle
        ``an`` at the end belongs to ``redet`` (``anreden``, to address). Returns, by position,
        the senses of each word that makes a known verb with the closing particle."""
        if self.lang != "de" or len(words) < 2:
            return {}
        particle = fold(words[-1].lower())
        if particle not in _SEPARABLE_DE:
            return {}
        found: dict[int, list[str]] = {}
        for i, word in enumerate(words[:-1]):
            if i and not word[:1].islower():
                continue  # capitalised inside the sentence: a noun ("an" + "Leiter" is no verb)
            joined = particle + word.lower()
            senses = self._forms.get(fold(joined)) or self._stems.get(self.stem(joined))
            if senses and len(senses) <= _MAX_SENSES:
                found[i] = list(senses)
        return found

    def _prefix(self, word: str) -> list[str] | None:
        """An inflection the stemmer does not undo: a known stem followed by a short ending
        (``készíti`` -> ``készít``, ``tervezetét`` -> ``tervezet``)."""
        folded = fold(word.lower())
        for cut in range(len(folded) - 1, max(_MIN_PREFIX, len(folded) - _MAX_ENDING) - 1, -1):
            # A stem, or a form as written that the stemmer shortens further (``fogad`` in
            # ``fogadni``: the stem of ``fogad`` is ``fog``).
            senses = self._stems.get(folded[:cut]) or self._forms.get(folded[:cut])
            if senses is not None:
                return senses
        return None

    def _potential(self, word: str) -> list[str] | None:
        """A Hungarian verb with the suffix of ability, ``-hat``/``-het`` (``tarthatok``: I
        may keep), read as its verb, not as a compound ending in ``hat`` (six)."""
        found = _POTENTIAL_HU.match(fold(word.lower()))
        if found is None:
            return None
        root = found.group(1)
        return self._forms.get(root) or self._stems.get(self.stem(root)) or self._prefix(root)

    def _compound(self, word: str) -> list[str] | None:
        """A compound written as one word: its longest known head, with its modifier when the
        rest is a known word as well (a linking ``s`` allowed)."""
        lower = word.lower()
        for cut in range(_MIN_FORM, len(lower) - _MIN_HEAD + 1):
            head = self._stems.get(self.stem(lower[cut:]))
            if head is None:
                continue
            modifier = lower[:cut]
            first = self._stems.get(self.stem(modifier))
            if first is None and modifier.endswith("s"):
                first = self._stems.get(self.stem(modifier[:-1]))
            if first is not None and len(first) <= _MAX_SENSES:
                return [*first, *(h for h in head if h not in first)]
            return head
        return None


def parse_lexicon(lang: str, lines: Iterable[str]) -> Lexicon:
    lexicon = Lexicon(lang, _stemmer=_make_stemmer(lang))
    for line in lines:
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        english, forms = line.rstrip("\n").split("\t", 1)
        for written in forms.split(";"):
            form = written.strip()
            if form.endswith(_FEMININE_MARK):
                form = form.removesuffix(_FEMININE_MARK).strip()
                lexicon._feminine.setdefault(fold(form.lower()), set()).add(english.strip())
            if form:
                lexicon.add(english.strip(), form)
    return lexicon


@functools.cache
def load_lexicon(lang: str) -> Lexicon | None:
    """The shipped lexicon of ``lang`` (None if there is none)."""
    path = LEXICON_DIR / f"{lang.lower()}.tsv"
    if not path.is_file():
        return None
    with _lock:
        return parse_lexicon(lang.lower(), path.read_text(encoding="utf-8").splitlines())


def _make_stemmer(lang: str) -> Any:
    name = _SNOWBALL.get(lang)
    if name is None:
        return None
    import Stemmer

    return Stemmer.Stemmer(name)
