"""The command palette's term search (ctrl+p): type a term in any language, pick a concept,
and the term view opens. ``TERM -> LANG`` lists that language first (``ajándék -> de``).

The search runs in a thread (:mod:`assistant.tui.termsearch`), never on the event loop. With
an empty palette, the concepts the latest answer mentions are offered.
"""

from __future__ import annotations

import asyncio
import contextlib
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from assistant.errors import LiaisonError, NotFound
from assistant.language.names import language_name
from assistant.language.termbase import Lookup
from assistant.language.termsearch import Candidate, TermService
from assistant.tui.messages import TermFailed, TermFound

HELP_CLIP = 100


class TermCommands(Provider):
    """Termbase concepts matching the palette's query (fuzzy, any language)."""

    @property
    def service(self) -> TermService | None:
        service = getattr(self.app, "terms", None)
        return service if isinstance(service, TermService) else None

    async def startup(self) -> None:
        """Build the search index before the first key, off the event loop."""
        service = self.service
        if service is not None:
            await asyncio.to_thread(_warm, service)

    async def search(self, query: str) -> Hits:
        service = self.service
        if service is None:
            return
        try:
            parsed, found = await asyncio.to_thread(service.search, query)
            language = service.language(parsed.to)
        except NotFound as exc:  # no termbase: say so once the query looks like a term
            if len(query.strip()) >= 3:
                yield Hit(
                    0.01,
                    "Term search: the store has no termbase",
                    self._fail(exc.one_line()),
                    help=escape(exc.hint or ""),
                )
            return
        except LiaisonError as exc:  # an unknown language after "->"
            yield Hit(
                1.0,
                Content(f"Term search: {exc.message}"),
                self._fail(exc.one_line()),
                help=escape(exc.hint or ""),
            )
            return
        except Exception as exc:  # a bug in the search must close neither palette nor app
            yield Hit(
                0.01,
                "Term search failed",
                self._fail(f"unexpected error: {exc!r}"),
                help=escape(repr(exc)),
            )
            return
        for candidate in found:
            lookup = service.lookup(candidate, parsed.text, language, found)
            yield Hit(
                candidate.score,
                _prompt(candidate),
                partial(self._open, lookup),
                text=f"Term: {candidate.term.text}",
                help=escape(_help(lookup, language)),
            )

    async def discover(self) -> Hits:
        """With an empty palette: the concepts the latest answer mentions."""
        from assistant.tui.screens.chat import ChatScreen

        service = self.service
        if service is None or not isinstance(self.screen, ChatScreen):
            return
        context = self.screen.term_context()
        if not context:
            return
        try:
            mentioned = await asyncio.to_thread(service.mentions, context)
        except Exception:  # no termbase (or a bug): nothing to offer, the palette still works
            return
        for match in mentioned:
            concept = match.concept
            lookup = Lookup(match.surface, concept, match.term, False, ())
            yield DiscoveryHit(
                Content.assemble(("Term: ", "dim"), (concept.label, "bold")),
                partial(self._open, lookup),
                text=f"Term: {concept.label}",
                help=escape(
                    f"in the conversation as {match.surface!r} · {_clip(concept.definition)}"
                ),
            )

    def _open(self, lookup: Lookup) -> None:
        self.app.post_message(TermFound(lookup))

    def _fail(self, message: str) -> partial[bool]:
        return partial(self.app.post_message, TermFailed(message, "Term"))


def _warm(service: TermService) -> None:
    with contextlib.suppress(LiaisonError):  # no termbase: each search says so
        service.index  # noqa: B018 (builds and caches the index)


def _prompt(candidate: Candidate) -> Content:
    term, concept = candidate.term, candidate.concept
    parts: list[str | tuple[str, str]] = [
        ("Term: ", "dim"),
        (term.text, "bold"),
        f"  {term.language}",
    ]
    if term.text != concept.label:
        parts.append(("  · " + concept.label, "italic"))
    return Content.assemble(*parts)


def _help(lookup: Lookup, language: str | None) -> str:
    concept = lookup.concept
    definition = _clip(concept.definition)
    if language is None:
        return definition
    preferred = concept.preferred(language) or "no term yet"
    return f"{language_name(language)}: {preferred} · {definition}"


def _clip(text: str, n: int = HELP_CLIP) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
