"""The audience selector: own use, or one of the registry's partners."""

from __future__ import annotations

from textual.widgets import Select

from assistant.corpus.partners import Registry

OWN_USE = "-"
"""The selector's value for "no partner audience" (a Select value cannot be None)."""

OWN_USE_LABEL = "(none - own use)"


def audience_label(code: str | None, registry: Registry) -> str:
    """``for audience XBO · Borealian Security Service``, or ``own use``."""
    if code is None:
        return "own use"
    partner = registry.get(code)
    return f"for audience {code} · {partner.name}" if partner else f"for audience {code}"


class AudienceSelect(Select[str]):
    """Who the next answers are for. The value is a partner code or :data:`OWN_USE`."""

    def __init__(
        self, registry: Registry, audience: str | None = None, *, id: str | None = None
    ) -> None:
        options = [(OWN_USE_LABEL, OWN_USE)]
        options += [(f"{code} · {registry.partners[code].name}", code) for code in registry.codes()]
        super().__init__(
            options,
            value=audience or OWN_USE,
            allow_blank=False,
            prompt="Audience",
            id=id,
        )

    @property
    def audience(self) -> str | None:
        """The selected partner code, or None for own use."""
        value = self.value
        return value if isinstance(value, str) and value != OWN_USE else None
