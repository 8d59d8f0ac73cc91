"""The term view (a termbase entry) and the term input (type a term, or pick one the
conversation mentions). Both are modal: Escape closes them.

They only present what the look-up worker found (:mod:`assistant.tui.termsearch`); picking a
term or submitting the input returns the text to look up, and the app runs the look-up.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from assistant.language.names import language_name
from assistant.language.termbase import Lookup, TermMatch

TERM_PLACEHOLDER = "a term in any language: ajándék, gift -> hu, Verbindungsbeamter -> fr"
TERM_VIEW_HELP = (
    "Esc close · c copy the term · Enter on a close term opens it · ctrl+t look up another"
)
TERM_INPUT_HELP = "Enter look up · ↓ pick a term from the list · Esc close"


class TermRow(Horizontal):
    """One language: its name, the preferred term and the admitted synonyms."""

    def __init__(self, language: str, terms: tuple[str, ...], *, target: bool = False) -> None:
        super().__init__(classes="term-row -target" if target else "term-row")
        self.language = language
        self.terms = terms

    def compose(self) -> ComposeResult:
        yield Static(
            f"{self.language} {language_name(self.language)}", classes="term-lang", markup=False
        )
        if self.terms:
            yield Static(self.terms[0], classes="term-preferred", markup=False)
        else:
            yield Static("no term yet", classes="term-preferred -missing", markup=False)
        yield Static(", ".join(self.terms[1:]), classes="term-admitted", markup=False)


def ordered_languages(lookup: Lookup) -> list[str]:
    """The concept's languages in termbase order, the one asked for first (even without a
    term: the officer should see that there is none yet)."""
    languages = list(lookup.concept.terms)
    if lookup.language is None:
        return languages
    return [lookup.language, *(lang for lang in languages if lang != lookup.language)]


class TermScreen(ModalScreen[None]):
    """A termbase entry: concept, definition, terms per language and close candidates."""

    BINDINGS = [  # noqa: RUF012 (Textual's own declaration style)
        Binding("escape", "dismiss", "Close"),
        Binding("c", "copy_term", "Copy term"),
    ]

    def __init__(self, lookup: Lookup) -> None:
        super().__init__()
        self.lookup = lookup

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="term-panel"):
            yield Static(id="term-title", markup=False)
            yield Static(id="term-matched", markup=False)
            yield Static(id="term-definition", markup=False)
            yield Static(id="term-note", markup=False)
            with Horizontal(classes="term-row -header"):
                yield Static("language", classes="term-lang")
                yield Static("preferred term", classes="term-preferred")
                yield Static("admitted", classes="term-admitted")
            yield Vertical(id="term-rows")
            yield Static("Also close", id="term-others-title")
            yield OptionList(id="term-others")
            yield Static(TERM_VIEW_HELP, id="term-help", markup=False)

    def on_mount(self) -> None:
        self.show(self.lookup)

    def show(self, lookup: Lookup) -> None:
        """Show ``lookup`` (the view stays open when another term is looked up from it)."""
        self.lookup = lookup
        concept = lookup.concept
        subject = f" · {concept.subject}" if concept.subject else ""
        self.query_one("#term-title", Static).update(f"{concept.label}  ({concept.id}{subject})")
        matched = self.query_one("#term-matched", Static)
        matched.display = not lookup.exact
        term = lookup.matched
        matched.update(
            f"matched {term.text!r} ({language_name(term.language)}) for {lookup.query!r}"
        )
        self.query_one("#term-definition", Static).update(concept.definition)
        note = self.query_one("#term-note", Static)
        note.display = bool(concept.note)
        note.update(f"Note: {concept.note}" if concept.note else "")
        rows = self.query_one("#term-rows", Vertical)
        rows.remove_children()
        rows.mount_all(
            TermRow(lang, concept.terms.get(lang, ()), target=lang == lookup.language)
            for lang in ordered_languages(lookup)
        )
        others = self.query_one("#term-others", OptionList)
        others.clear_options()
        others.add_options(
            Option(f"{c.label} · {t.text} ({t.language})", id=c.id) for c, t in lookup.alternatives
        )
        others.display = bool(lookup.alternatives)
        self.query_one("#term-others-title").display = bool(lookup.alternatives)
        if lookup.alternatives:
            others.highlighted = 0
            others.focus()
        else:
            self.query_one("#term-panel").focus()

    @property
    def term_to_copy(self) -> str:
        """The preferred term in the language asked for, else in the matched term's language."""
        concept = self.lookup.concept
        for language in (self.lookup.language, self.lookup.matched.language):
            if language and concept.preferred(language):
                return concept.preferred(language) or ""
        return concept.label

    def action_copy_term(self) -> None:
        text = self.term_to_copy
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied: {text}", title="Term", markup=False)

    @on(OptionList.OptionSelected, "#term-others")
    def _other(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        concept = next((c for c, _ in self.lookup.alternatives if c.id == event.option.id), None)
        if concept is None:
            return
        term = concept.term_list(self.lookup.language)[:1] or concept.term_list()[:1]
        self.show(
            Lookup(
                query=concept.id,
                concept=concept,
                matched=term[0],
                exact=True,
                alternatives=(),
                language=self.lookup.language,
            )
        )


class TermPrompt(ModalScreen[str | None]):
    """A small input for a term (``TERM`` or ``TERM -> LANG``) and a list of the terms the
    conversation mentions, to pick one without a mouse. Returns the text to look up (a
    picked term returns its concept id), or None."""

    BINDINGS = [  # noqa: RUF012 (Textual's own declaration style)
        Binding("escape", "dismiss", "Close"),
        Binding("down", "focus_choices", "Pick", show=False),
    ]

    def __init__(
        self, value: str = "", choices: Iterable[TermMatch] = (), title: str = "Look up a term"
    ) -> None:
        super().__init__()
        self.initial = value
        self.choices = list(choices)
        self.heading = title

    def compose(self) -> ComposeResult:
        with Vertical(id="term-prompt"):
            yield Static(self.heading, id="term-prompt-title", markup=False)
            yield Input(self.initial, placeholder=TERM_PLACEHOLDER, id="term-query")
            yield Static("Terms in the conversation", id="term-choices-title")
            yield OptionList(
                *(
                    Option(f"{m.surface} · {m.concept.label}", id=m.concept.id)
                    for m in self.choices
                ),
                id="term-choices",
            )
            yield Static(TERM_INPUT_HELP, id="term-prompt-help", markup=False)

    def on_mount(self) -> None:
        self.query_one("#term-choices").display = bool(self.choices)
        self.query_one("#term-choices-title").display = bool(self.choices)
        self.query_one("#term-query", Input).focus()

    def action_focus_choices(self) -> None:
        choices = self.query_one("#term-choices", OptionList)
        if self.choices:
            choices.focus()
            if choices.highlighted is None:
                choices.highlighted = 0

    @on(Input.Submitted, "#term-query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text:
            self.dismiss(text)

    @on(OptionList.OptionSelected, "#term-choices")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
