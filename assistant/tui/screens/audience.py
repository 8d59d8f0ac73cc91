"""The audience picker: type to filter the registry's partners by code, service or country;
Enter takes the highlighted one, Escape keeps the audience as it was. Either way the screen
that opened it puts the focus back in the question box."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from assistant.corpus.partners import Registry
from assistant.tui.screens.prompts import move_highlight
from assistant.tui.widgets.audience import OWN_USE, OWN_USE_LABEL


class PartnerPicker(ModalScreen[str | None]):
    """Dismissed with a partner code, :data:`OWN_USE` (when offered), or None (cancelled)."""

    BINDINGS = [  # noqa: RUF012 (Textual's own declaration style)
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
    ]

    def __init__(
        self,
        registry: Registry,
        current: str | None,
        *,
        own_use: bool = True,
        title: str = "Audience: who are the answers for?",
    ) -> None:
        super().__init__()
        self.registry = registry
        self.current = current
        self.own_use = own_use
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label(self.title_text, id="picker-title")
            yield Input(placeholder="Type a code, service or country", id="picker-filter")
            yield OptionList(id="picker-options")
            yield Static(
                "Enter: choose · ↑↓: move · Escape: keep the current audience",
                id="picker-help",
                markup=False,
            )

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#picker-filter", Input).focus()

    def _fill(self, text: str) -> None:
        options = self.query_one("#picker-options", OptionList)
        options.clear_options()
        codes = self.registry.matching(text)
        if self.own_use and (not text.strip() or text.strip().lower() in OWN_USE_LABEL):
            options.add_option(Option(OWN_USE_LABEL, id=OWN_USE))
        for code in codes:
            partner = self.registry.partners[code]
            country = f" ({partner.country})" if partner.country else ""
            options.add_option(Option(f"{code} · {partner.name}{country}", id=code))
        if options.option_count:
            wanted = self.current or OWN_USE
            index = next(
                (
                    i
                    for i in range(options.option_count)
                    if options.get_option_at_index(i).id == wanted
                ),
                0,
            )
            options.highlighted = index if not text.strip() else 0

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one("#picker-options", OptionList)
        if options.highlighted is None:
            self.notify("No partner matches: change the filter, or Escape.", severity="warning")
            return
        self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#picker-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_move(self, by: int) -> None:
        move_highlight(self.query_one("#picker-options", OptionList), by)

    def action_cancel(self) -> None:
        self.dismiss(None)
