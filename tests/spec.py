"""Facts copied from the project SPEC, written once for every test that checks against it.

Kept apart from the engine on purpose: tests compare the engine with SPEC, not with itself.
"""

# SPEC section 2: the rule ids, in the order the rules apply.
SPEC_RULE_ORDER = (
    "unmarked",
    "unknown-recipient",
    "agreement",
    "originator",
    "consent",
    "rel-to",
    "third-party",
    "tlp-green",
    "orcon-own",
    "releasable",
)
SPEC_RULE_IDS = frozenset(SPEC_RULE_ORDER)
