"""The assistant as one object: the factory that wires settings, store, model, retriever and
answerer together. The CLI and the UI both use it; nothing is built at import."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace

from assistant.answer.llm import LLMAnswerer, make_answerer, stream_answer
from assistant.answer.routes.language import language_route
from assistant.answer.routes.release import route as release_route
from assistant.answer.types import Answer, Answerer, AnswerEvent, DoneEvent, final_answer
from assistant.config import Settings, load_settings
from assistant.corpus.partners import Registry
from assistant.errors import BadInput
from assistant.index.embedder import Embedder
from assistant.index.manifest import Manifest, load_manifest
from assistant.index.store import VectorStore, open_store
from assistant.language.detect import detect_language
from assistant.language.expansion import Expansion, expand_query
from assistant.language.termbase import Termbase
from assistant.language.termfile import load_termbase_snapshot
from assistant.policy.gate import Audience
from assistant.retrieval.hybrid import Retriever
from assistant.retrieval.types import Filters, Mode, SearchResult

Route = Callable[["Assistant", str, Audience, Filters], Answer | None]
"""A question handler tried before retrieval (release questions, language questions...)."""


class Assistant:
    def __init__(
        self,
        settings: Settings,
        *,
        store: VectorStore | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.settings = settings
        self.location = settings.store_location()
        self._store = store
        self.embedder = embedder or Embedder(settings.model)
        self._manifest: Manifest | None = None
        self._retriever: Retriever | None = None
        self._lock = threading.Lock()
        self._termbase: Termbase | None = None
        # Release questions go to the rules engine first: a model or retrieval never decides.
        self.routes: list[Route] = [release_route, language_route]

    # -- light parts: no model, no store -------------------------------------------------
    @property
    def manifest(self) -> Manifest:
        if self._manifest is None:
            self._manifest = load_manifest(self.location)
        return self._manifest

    @property
    def registry(self) -> Registry:
        return self.manifest.registry()

    def today(self) -> dt.date:
        if self.settings.today:
            try:
                return dt.date.fromisoformat(self.settings.today)
            except ValueError:
                raise BadInput(f"invalid LIAISON_TODAY {self.settings.today!r}") from None
        return dt.date.today()

    def resolve_partner(self, text: str) -> str:
        """A partner code from a code, service or country name; unknown names are bad input."""
        registry = self.registry
        code = text.strip().upper()
        if code in registry:
            return code
        found = registry.resolve(text)
        if found:
            return found
        known = ", ".join(registry.codes()) or "none: ingest a corpus with partners.yaml"
        raise BadInput(f"unknown partner {text!r}", f"known partners: {known}")

    def audience(self, partner: str | None = None) -> Audience:
        code = self.resolve_partner(partner) if partner else None
        return Audience(self.settings.clearance, code, self.registry, self.today())

    @property
    def termbase(self) -> Termbase | None:
        """The termbase snapshot taken at the last sync (None if the corpus has none)."""
        if self._termbase is None:
            self._termbase = load_termbase_snapshot(self.location)
        return self._termbase

    def to_english(self, question: str) -> Expansion:
        """Detect the question's language; carry a non-English question over to English."""
        termbase = self.termbase
        if termbase is None or not len(termbase):
            return Expansion("en", question, question=question)
        expansion = expand_query(question, termbase, detect_language(question, termbase.languages))
        if not expansion.expanded:
            return expansion
        # Partners named in the question's language ("lumeriai", "lumérien") are named the way
        # the English corpus names them: by code and country.
        present = set(expansion.english_query.lower().split())
        names: list[str] = []
        for code in self.registry.find_in_text(question):
            partner = self.registry.partners[code]
            for name in (code, partner.country or ""):
                if name and name.lower() not in present:
                    present.add(name.lower())
                    names.append(name)
        if not names:
            return expansion
        units = tuple(self._name_partners(unit) for unit in expansion.units)
        query = " ".join([expansion.english_query, *names])
        return replace(expansion, english_query=query, units=units)

    def _name_partners(self, unit: tuple[str, ...]) -> tuple[str, ...]:
        """A question word naming a partner ("lumérien") is also rendered by its code and
        country, as the corpus names it."""
        named: list[str] = []
        for code in self.registry.find_in_text(unit[0]) if unit else ():
            named += [code, self.registry.partners[code].country or ""]
        return (*unit, *filter(None, named))

    # -- heavy parts: model and store, loaded once --------------------------------------
    @property
    def store(self) -> VectorStore:
        if self._store is None:
            self._store = open_store(self.location, self.settings.collection)
        return self._store

    @property
    def retriever(self) -> Retriever:
        with self._lock:
            if self._retriever is None:
                r = self.settings.retrieval
                self._retriever = Retriever(
                    self.store,
                    self.embedder,
                    candidates=r.candidates,
                    rrf_k=r.rrf_k,
                    dense_weight=r.dense_weight,
                    lexical_weight=r.lexical_weight,
                    mode=r.mode,
                )
            return self._retriever

    def warm(self) -> None:
        """Load the model, open the store and build the lexical index (for the UI's worker)."""
        self.retriever.warm()

    def search(
        self,
        query: str,
        *,
        audience: str | None = None,
        k: int | None = None,
        filters: Filters | None = None,
    ) -> SearchResult:
        query = _check_query(query)
        aud = self.audience(audience)
        expansion, result = self.retrieve(query, aud, k=k, filters=filters)
        result.query = query
        result.notice = expansion.notice
        return result

    def retrieve(
        self,
        question: str,
        aud: Audience,
        *,
        k: int | None = None,
        filters: Filters | None = None,
        mode: Mode | None = None,
    ) -> tuple[Expansion, SearchResult]:
        """Search for a question in any language. A non-English question is carried over to
        English with the termbase; the question as asked joins the fusion at a lower weight
        (names, codes and cognates still match, and the model knows some French and German)."""
        expansion = self.to_english(question)
        r = self.settings.retrieval
        result = self.retriever.search(
            expansion.english_query,
            aud,
            k=k or r.k,
            filters=filters,
            mode=mode,
            also=(question,) if expansion.expanded else (),
            also_weight=r.original_weight,
        )
        if expansion.expanded:
            result.units = expansion.units
        return expansion, result

    def ask(
        self,
        question: str,
        *,
        audience: str | None = None,
        k: int | None = None,
        filters: Filters | None = None,
    ) -> Answer:
        """A cited answer (or an abstention) to one question."""
        return final_answer(self.ask_stream(question, audience=audience, k=k, filters=filters))

    def ask_stream(
        self,
        question: str,
        *,
        audience: str | None = None,
        k: int | None = None,
        filters: Filters | None = None,
    ) -> Iterator[AnswerEvent]:
        """The answer as events: draft tokens (language-model backend only), then one DoneEvent."""
        question = _check_query(question)
        aud = self.audience(audience)
        filters = filters or Filters()
        for route in self.routes:
            routed = route(self, question, aud, filters)
            if routed is not None:
                yield DoneEvent(routed)
                return
        expansion, result = self.retrieve(question, aud, k=k, filters=filters)
        answerer = self.answerer(aud)
        if isinstance(answerer, LLMAnswerer):
            result = replace(result, query=question)  # the model reads the question as asked
        for event in stream_answer(answerer, result):
            if isinstance(event, DoneEvent):
                event.answer.question = question
                if expansion.lang != "en":
                    notices = (event.answer.notice, expansion.notice)
                    event.answer.notice = " ".join(n for n in notices if n) or None
            yield event

    def answerer(self, audience: Audience | None = None) -> Answerer:
        """Extractive by default; a language model when configured (gated again inside)."""
        return make_answerer(self.settings, self.embedder, audience)


def _check_query(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise BadInput("the question is empty")
    if len(text) > 2000:
        raise BadInput("the question is too long (over 2000 characters)")
    return text


def make_assistant(settings: Settings | None = None, **overrides: object) -> Assistant:
    """The one factory shared by the CLI, the UI and the tests."""
    return Assistant(settings or load_settings(**overrides))
