"""What kind of fact a question asks for, read from its (English or carried-over) wording.

"Up to what value ...", "How far ahead ...", "budget per head" ask for a quantity: an amount,
a limit, a time. Of two sentences that are equally close to such a question, the one that
states a quantity answers it; the other only talks about the subject. The answerer gives
those a small bonus (:data:`QUANTITY_BONUS`), never enough to quote an unrelated number.
"""

from __future__ import annotations

import re

QUANTITY_BONUS = 0.06
"""Added to the relevance of a unit stating a quantity, for a question asking for one."""

_ASKS_QUANTITY = re.compile(
    r"\bhow (much|many|long|far|early|soon|often|old|big|large|high)\b|"
    r"\b(value|values|budget|limit|limits|cost|costs|price|amount|sum|deadline|"
    r"in advance|ahead|long time|worth|maximum|minimum|per head|how late)\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty "
    "forty fifty hundred"
)
_STATES_QUANTITY = re.compile(
    r"\b(\d+([.,]\d+)?|(" + "|".join(_NUMBER_WORDS.split()) + r"))\s*"
    r"(%|eur|euros?|usd|minutes?|hours?|days?|working days?|weeks?|months?|years?|"
    r"people|persons|members|officers|times)\b|\b(eur|usd)\s*\d",
    re.IGNORECASE,
)


def asks_quantity(question: str) -> bool:
    """True when the question asks for an amount, a limit or a length of time."""
    return bool(_ASKS_QUANTITY.search(question))


def states_quantity(text: str) -> bool:
    """True when ``text`` states an amount, a count or a length of time with its unit."""
    return bool(_STATES_QUANTITY.search(text))
