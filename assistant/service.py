"""The assistant as one object: the factory that wires settings, store, model, retriever and
answerer together. The CLI and the UI both use it; nothing is built at import."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant import identity, paths
from assistant.answer.flow import answer_events
from assistant.answer.llm import make_answerer
from assistant.answer.routes.base import Route
from assistant.answer.routes.language import language_route
from assistant.answer.routes.release import route as release_route
from assistant.answer.types import Answer, Answerer, AnswerEvent, DoneEvent, final_answer
from assistant.audit.entries import for_answer, for_check, for_ingest, for_search
from assistant.audit.factory import open_audit
from assistant.audit.log import AuditLog
from assistant.brief.build import build_brief
from assistant.brief.model import Brief
from assistant.config import Settings, load_settings
from assistant.conversation.export import Export, export_markdown
from assistant.conversation.store import FILE as CONVERSATIONS_FILE
from assistant.conversation.store import ConversationStore, Turn
from assistant.corpus.chunking import CHUNKER_VERSION
from assistant.corpus.ledger import Ledger
from assistant.corpus.markings import Level
from assistant.corpus.partners import Registry
from assistant.errors import BadInput
from assistant.files import write_atomic
from assistant.index.embedder import Embedder, embedder_for
from assistant.index.manifest import (
    Manifest,
    check_compatible,
    check_dimension,
    load_manifest,
    published_chunks,
)
from assistant.index.remote import fetch
from assistant.index.snapshot import load_ledger_snapshot, load_termbase_snapshot
from assistant.index.store import is_url, open_configured
from assistant.index.sync import SCHEMA_VERSION, SyncReport
from assistant.index.sync import Progress as SyncProgress
from assistant.index.types import VectorStore
from assistant.language.expansion import Expansion
from assistant.language.termbase import Termbase
from assistant.limits import check_query
from assistant.onboarding.curriculum import Curriculum
from assistant.onboarding.progress import FILE as PROGRESS_FILE
from assistant.onboarding.progress import Progress
from assistant.onboarding.session import Onboarding
from assistant.policy.checks import DocumentCheck, check_document, find_document
from assistant.policy.consent import ConsentRequest, consent_request
from assistant.policy.gate import Audience
from assistant.retrieval.hybrid import Retriever
from assistant.retrieval.multilingual import search_any_language
from assistant.retrieval.types import Filters, Hit, Mode, SearchResult

PARTICULARS = 2
"""An answer's candidates include up to this many passages of each partner the question names."""


class Assistant:
    def __init__(
        self,
        settings: Settings,
        *,
        store: VectorStore | None = None,
        embedder: Embedder | None = None,
        audited: bool = True,
    ) -> None:
        self.settings = settings
        self.configured_clearance = settings.clearance
        """The clearance of the configuration: :meth:`lower_clearance` never goes above it."""
        # Every answer and search is recorded before it is shown (None: switched off).
        self.audit: AuditLog | None = open_audit(settings) if audited else None
        self.location = settings.store_location()
        self._store = store
        self.embedder = embedder or embedder_for(settings)
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

    def audience(self, partner: str | None = None) -> Audience:
        code = self.registry.require(partner) if partner else None
        return Audience(self.settings.clearance, code, self.registry, self.settings.rules_date())

    @property
    def termbase(self) -> Termbase | None:
        """The termbase snapshot taken at the last sync (None if the corpus has none)."""
        if self._termbase is None:
            self._termbase = load_termbase_snapshot(self.location)
        return self._termbase

    # -- heavy parts: model and store, loaded once --------------------------------------
    @property
    def store(self) -> VectorStore:
        if self._store is None:
            self._store = open_configured(self.settings)
        return self._store

    @property
    def retriever(self) -> Retriever:
        with self._lock:
            if self._retriever is None:
                # Before any query: a store built by another encoder is refused, not misread.
                check_compatible(
                    self.manifest, self.settings.model, CHUNKER_VERSION, SCHEMA_VERSION
                )
                check_dimension(self.manifest, self.embedder.dimension)
                r = self.settings.retrieval
                self._retriever = Retriever(
                    self.store,
                    self.embedder,
                    candidates=r.candidates,
                    rrf_k=r.rrf_k,
                    dense_weight=r.dense_weight,
                    lexical_weight=r.lexical_weight,
                    mode=r.mode,
                    published=self._published,
                    cache=self.location,
                )
            return self._retriever

    def _published(self) -> set[str] | None:
        """The chunk ids a reader holds itself to, read afresh. For a server store the
        catalogue is taken from the server first: an ingest on another machine publishes
        there, batch by batch, before it removes the versions it replaced."""
        if is_url(self.location):
            fetch(self.settings)
        return published_chunks(self.location)

    def reload(self) -> None:
        """Forget what was read of the store (after a sync): the next use reads it afresh.
        The model and the store client stay loaded."""
        with self._lock:
            self._manifest = None
            self._retriever = None
            self._termbase = None

    def lower_clearance(self, level: Level) -> None:
        """Work at ``level`` from now on: at or below the configured clearance, never above."""
        if level.rank > self.configured_clearance.rank:
            raise BadInput(
                f"clearance {level.value} is above the configured "
                f"{self.configured_clearance.value}",
                "a clearance can only be lowered here; raise it in the configuration",
            )
        self.settings = self.settings.model_copy(update={"clearance": level})

    def warm(self) -> None:
        """Everything a question would otherwise load on first use, now (for the UI's worker
        and any long-lived caller): the model, the store and its lexical index, and the
        language detector's models for the termbase's languages (about 2 s, paid by the
        first question that is not plainly English otherwise)."""
        from assistant.language import detect

        self.retriever.warm()
        terms = self.termbase
        detect.warm(terms.languages if terms is not None and len(terms) else None)

    def search(
        self,
        query: str,
        *,
        audience: str | None = None,
        k: int | None = None,
        filters: Filters | None = None,
    ) -> SearchResult:
        query = check_query(query)
        aud = self.audience(audience)
        expansion, result = self.retrieve(query, aud, k=k, filters=filters)
        result.query = query
        result.notice = expansion.notice
        if self.audit is not None:
            self.audit.append(for_search(result, aud))
        return result

    def retrieve(
        self,
        question: str,
        aud: Audience,
        *,
        k: int | None = None,
        filters: Filters | None = None,
        mode: Mode | None = None,
        particulars: int = 0,
    ) -> tuple[Expansion, SearchResult]:
        """Search for a question in any language. A non-English question is carried over to
        English with the termbase; the question as asked joins the fusion at a lower weight
        (names, codes and cognates still match, and the model knows some French and German).
        ``particulars``: see :func:`search_any_language`."""
        return search_any_language(
            self.retriever,
            question,
            aud,
            termbase=self.termbase,
            registry=self.registry,
            settings=self.settings.retrieval,
            k=k,
            filters=filters,
            mode=mode,
            particulars=particulars,
        )

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
        command: str = "ask",
    ) -> Iterator[AnswerEvent]:
        """The answer as events: draft tokens (language-model backend only), then one DoneEvent.
        The answer is written to the audit log (as ``command``) before its DoneEvent."""
        question = check_query(question)
        aud = self.audience(audience)
        events = answer_events(
            question,
            aud,
            filters or Filters(),
            knowledge=self,
            routes=self.routes,
            retrieve=lambda q, a, f: self.retrieve(q, a, k=k, filters=f, particulars=PARTICULARS),
            answerer=self.answerer(aud),
        )
        return self._recorded(events, aud, command)

    def _recorded(
        self, events: Iterator[AnswerEvent], audience: Audience, command: str
    ) -> Iterator[AnswerEvent]:
        for event in events:
            if isinstance(event, DoneEvent) and self.audit is not None:
                self.audit.append(for_answer(event.answer, audience, command))
            yield event

    @property
    def ledger(self) -> Ledger | None:
        """The exchange ledger taken at the last sync (None if the corpus has none)."""
        return load_ledger_snapshot(self.location)

    def brief(
        self,
        partner: str,
        *,
        topics: Iterable[str] = (),
        meeting: dt.date | None = None,
        fmt: str = "md",
    ) -> Brief:
        """A meeting brief for ``partner``, the release rules applied as of ``meeting``; it
        is written to the audit log before it is returned."""
        built = build_brief(
            self,
            partner,
            meeting=meeting or self.settings.rules_date(),
            clearance=self.settings.clearance,
            topics=topics,
            ledger=self.ledger,
            prepared=self.settings.rules_date(),
        )
        if self.audit is not None:
            self.audit.append(built.audit_entry(self.settings.clearance.value, fmt))
        return built

    def onboarding(self, user: str | None = None) -> Onboarding:
        """The curriculum for ``user`` (default: the OS user), with progress saved in the data
        directory and quiz results written to the audit log."""
        curriculum = Curriculum(self, self.settings.clearance)
        progress = Progress(paths.data_dir() / PROGRESS_FILE)
        return Onboarding(curriculum, progress, user or identity.user(), self.audit)

    # -- documents, consent, re-index ----------------------------------------------------
    def document(self, doc_id: str, partner: str | None = None) -> DocumentView:
        """The passages of ``doc_id`` that ``partner`` (None: own use) may see, in order, and
        how many are not shown (counted, never named)."""
        aud = self.audience(partner)
        _, entry = find_document(self.manifest, doc_id)
        shown = self.retriever.passages([doc_id], aud)
        return DocumentView(doc_id, entry.title, shown, max(len(entry.chunks) - len(shown), 0))

    def check(self, doc_id: str, to: str) -> tuple[DocumentCheck, ConsentRequest | None]:
        """The release decision for ``doc_id`` to ``to`` today, and the consent request to
        send when it needs one; written to the audit log like ``liaison check``."""
        result = check_document(
            self.manifest, doc_id, to, self.settings.rules_date(), clearance=self.settings.clearance
        )
        if self.audit is not None:
            self.audit.append(for_check(result, self.settings.clearance.value))
        _, entry = find_document(self.manifest, result.doc_id)
        return result, consent_request(result, entry.banner)

    def reindex(self, progress: SyncProgress | None = None, *, wait: bool = False) -> SyncReport:
        """Sync the corpus into the store, as ``liaison ingest`` does, then read the store
        afresh. Another ingest holding the store is :class:`LockedError` unless ``wait``."""
        from assistant.index.sync import sync

        report = sync(
            self.settings, progress=progress, embedder=self.embedder, store=self._store, wait=wait
        )
        if self.audit is not None:
            self.audit.append(for_ingest(report, self.settings.clearance.value))
        self.reload()
        return report

    # -- saved conversations ---------------------------------------------------------------
    @property
    def conversations(self) -> ConversationStore:
        return ConversationStore(paths.data_dir() / CONVERSATIONS_FILE)

    def export(self, turns: Sequence[Turn], path: Path, partner: str | None = None) -> Export:
        """Write ``turns`` to Markdown at ``path`` for ``partner`` (None: own use), the rules
        applied again today, and record the export in the audit log."""
        aud = self.audience(partner)
        made = export_markdown(turns, aud)
        if not made.turns:
            who = f"to {partner}" if partner else "within your clearance"
            raise BadInput(
                f"nothing to export: no turn may go {who}",
                "every turn was asked for another audience, or cites sources that may not go; "
                "choose the audience the turns were asked for, or re-ask them",
            )
        write_atomic(path, made.text)
        if self.audit is not None:
            self.audit.append(made.audit_entry(aud, str(path)))
        return made

    def answerer(self, audience: Audience | None = None) -> Answerer:
        """Extractive by default; a language model when configured (gated again inside)."""
        return make_answerer(self.settings, self.embedder, audience)


@dataclass(frozen=True)
class DocumentView:
    doc_id: str
    title: str
    passages: list[Hit]
    hidden: int


def make_assistant(
    settings: Settings | None = None, *, audited: bool = True, **overrides: object
) -> Assistant:
    """The one factory shared by the CLI, the UI and the tests. ``audited=False`` is for the
    evaluation harness, whose hundreds of questions are no officer's."""
    return Assistant(settings or load_settings(**overrides), audited=audited)
