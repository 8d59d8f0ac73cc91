"""Material withheld for consent: the release check for the current audience, whom to ask and
through which channel, and the consent request, ready to copy (``c``) or save (``s``).

Only the title, the id, the originator and the decision are shown: never the material itself.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from assistant.policy.checks import DocumentCheck
from assistant.policy.consent import ConsentRequest
from assistant.policy.rules import Outcome

_OUTCOME = {
    Outcome.ALLOW: ("ALLOW", "-allow"),
    Outcome.NEEDS_CONSENT: ("NEEDS CONSENT", "-consent"),
    Outcome.DENY: ("DENY", "-deny"),
}


class ConsentScreen(ModalScreen[str | None]):
    """Dismissed with ``"copy"`` or ``"save"`` (the chat does either, and says so), or None."""

    BINDINGS = [  # noqa: RUF012 (Textual's own declaration style)
        Binding("escape,q", "dismiss(None)", "Back"),
        Binding("c", "take('copy')", "Copy request"),
        Binding("s", "take('save')", "Save request"),
    ]

    def __init__(self, check: DocumentCheck, request: ConsentRequest | None) -> None:
        super().__init__()
        self.check = check
        self.request = request

    def compose(self) -> ComposeResult:
        check, request = self.check, self.request
        label, css = _OUTCOME[check.outcome]
        with Vertical(id="consent-panel", classes="source-panel"):
            yield Static(f"{check.title} ({check.doc_id})", classes="source-title", markup=False)
            yield Static(
                f"{label} for {check.recipient_label()} on {check.today.isoformat()}",
                classes=f"consent-decision {css}",
                markup=False,
            )
            with VerticalScroll(classes="source-body"):
                yield Static(check.verdict(), classes="consent-verdict", markup=False)
                yield Static(
                    f"Why (rule {check.decision.rule}): {check.decision.reason}",
                    classes="consent-why",
                    markup=False,
                )
                if request is not None:
                    yield Static(
                        f"Whom to ask: {request.whom}\nChannel: {request.channel}\n"
                        f"Steps: {request.procedure}",
                        classes="consent-route",
                        markup=False,
                    )
                for portion in check.sections:
                    name, _ = _OUTCOME[portion.decision.outcome]
                    yield Static(
                        f"· {portion.section}: {name} ({portion.decision.rule})",
                        classes="consent-portion",
                        markup=False,
                    )
                if check.consents:
                    shown = "; ".join(c.describe() for c in check.consents)
                    yield Static(f"Consents on record: {shown}", markup=False)
                if request is not None:
                    yield Static("The consent request:", classes="consent-request-title")
                    yield Static(request.text(), id="consent-request", markup=False)
            keys = "c: copy the request · s: save it · " if request is not None else ""
            yield Static(f"{keys}Escape: back", classes="source-help", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Copy and save exist only when there is a request (someone to ask)."""
        return self.request is not None if action == "take" else True

    def action_take(self, what: str) -> None:
        if self.request is not None:
            self.dismiss(what)
