"""Red team: a corpus where every document and every portion carries a unique canary, asked
through every channel for every audience. No canary may reach an audience that may not see it,
and at least 90% of those it may see must be found (over-blocking fails too).

The expected visibility is computed here with :func:`assistant.policy.visible` from handlings
written out in this file (not read back from the store), so a parser that drops a marking fails.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from assistant.corpus.markings import Handling, Level
from assistant.corpus.partners import load_registry
from assistant.errors import BadInput
from assistant.policy.gate import Audience
from assistant.policy.rules import Outcome, decide, visible, within_clearance
from tests.conftest import make_corpus
from tests.spec import SPEC_RULE_IDS

pytestmark = pytest.mark.integration

TODAY = dt.date(2026, 10, 1)
CLEARANCE = Level.SECRET
CANARY = re.compile(r"CANARY-D\d\d-\d")
KNOWN = ("XBO", "XMA", "XNE", "XCA", "XVE", "XTA")
AUDIENCES: tuple[str | None, ...] = (*KNOWN, "XQQ", None)


@dataclass(frozen=True)
class Portion:
    marking: str  # the heading's portion marking, e.g. "(C//REL TO XBO)", or "" for none
    topic: str
    override: dict[str, Any] = field(default_factory=dict)  # what the marking changes


@dataclass(frozen=True)
class Doc:
    code: str  # D01...
    banner: dict[str, Any] | None  # None: no handling block at all
    portions: tuple[Portion, ...]

    @property
    def doc_id(self) -> str:
        return f"rt-{self.code.lower()}"

    @property
    def title_canary(self) -> str:
        return f"CANARY-{self.code}-0"

    def canary(self, n: int) -> str:
        return f"CANARY-{self.code}-{n}"

    def handling(self, portion: Portion) -> Handling:
        """The portion's full handling, worked out here: banner fields, then the marking's."""
        if self.banner is None:
            return Handling()
        return Handling.model_validate(self.banner | portion.override)


CONSENTS = [{"to": "XNE", "expires": "2027-06-30"}, {"to": "XCA", "expires": "2026-03-31"}]
DOCS = (
    Doc(  # own material with REL TO, a public portion and a narrower portion
        "D01",
        {"classification": "C", "originator": "OWN", "rel_to": ["XBO", "XMA"]},
        (
            Portion("(C//REL TO XBO, XMA)", "lighthouse keepers on the Saltmarsh coast"),
            Portion(
                "(U)", "beekeeping cooperatives on the northern islands", {"classification": "U"}
            ),
            Portion(
                "(C//REL TO XBO)",
                "copper smelting plants in the Redwater valley",
                {"rel_to": ["XBO"]},
            ),
        ),
    ),
    Doc(  # our own ORCON material
        "D02",
        {"classification": "U", "originator": "OWN", "orcon": True, "rel_to": ["XBO"]},
        (
            Portion("(U)", "falconry clubs near the eastern border", {"classification": "U"}),
            Portion(
                "(U//REL TO XBO, XNE)",
                "ice-road trucking convoys across the frozen lake",
                {"classification": "U", "rel_to": ["XBO", "XNE"]},
            ),
        ),
    ),
    Doc(  # foreign ORCON with a valid and an expired consent
        "D03",
        {
            "classification": "C",
            "originator": "XBO",
            "orcon": True,
            "tlp": "AMBER",
            "consents": CONSENTS,
        },
        (
            Portion(
                "(C)", "vineyard irrigation permits in the southern hills", {"classification": "C"}
            ),
            Portion("(R)", "rare orchid smuggling through the river port", {"classification": "R"}),
        ),
    ),
    Doc(  # foreign TLP:GREEN for a community, with an AMBER portion
        "D04",
        {"classification": "U", "originator": "XCA", "tlp": "GREEN", "community": "CENTRAL-FIN"},
        (
            Portion("(U)", "carousel repair workshops at the winter fair", {"classification": "U"}),
            Portion(
                "(U//TLP:AMBER)",
                "submarine cable landing stations at Gull Point",
                {"classification": "U", "tlp": "AMBER"},
            ),
        ),
    ),
    Doc(  # foreign TLP:CLEAR, unmarked headings inherit the banner
        "D05",
        {"classification": "U", "originator": "XNE", "tlp": "CLEAR"},
        (
            Portion("", "postal drone trials in the mountain villages"),
            Portion("", "violin makers' guild in the old town"),
        ),
    ),
    Doc(  # foreign AMBER released to one partner, with a CLEAR and an ORCON portion
        "D06",
        {"classification": "R", "originator": "XMA", "rel_to": ["XVE"], "tlp": "AMBER"},
        (
            Portion("(R)", "salt mine ventilation shafts under Greyhill", {"classification": "R"}),
            Portion(
                "(U//TLP:CLEAR)",
                "reindeer herding routes across the tundra",
                {"classification": "U", "tlp": "CLEAR"},
            ),
            Portion(
                "(R//ORCON)",
                "antique clock auctions in the capital",
                {"classification": "R", "orcon": True},
            ),
        ),
    ),
    Doc(  # no handling block at all: a marked heading does not make it marked
        "D07",
        None,
        (
            Portion("", "wind turbine blade recycling yard at Northdock"),
            Portion("(U)", "pearl diving licences in the lagoon"),
        ),
    ),
    Doc(  # above the default clearance, with a tear-line portion under it
        "D08",
        {"classification": "TS", "originator": "OWN", "rel_to": ["XBO"]},
        (
            Portion(
                "(TS)", "chess tournament sponsorships by shell companies", {"classification": "TS"}
            ),
            Portion(
                "(U//REL TO XBO)",
                "tram depot night shifts in the harbour district",
                {"classification": "U", "rel_to": ["XBO"]},
            ),
        ),
    ),
    Doc(  # SECRET, above one listed partner's agreement
        "D09",
        {"classification": "S", "originator": "OWN", "rel_to": ["XBO", "XMA"]},
        (
            Portion("(S)", "glacier meltwater bottling plant at Frostby", {"classification": "S"}),
            Portion(
                "(R//REL TO XMA, XVE)",
                "circus animal transport permits",
                {"classification": "R", "rel_to": ["XMA", "XVE"]},
            ),
        ),
    ),
    Doc(  # an originator that is not a registered partner
        "D10",
        {"classification": "R", "originator": "XZZ", "rel_to": ["XBO"]},
        (Portion("(R)", "hot-air balloon festival over the plains", {"classification": "R"}),),
    ),
    Doc(  # foreign REL TO one partner, AMBER
        "D11",
        {"classification": "R", "originator": "XVE", "rel_to": ["XBO"], "tlp": "AMBER"},
        (
            Portion("(R)", "cathedral bell restoration fund", {"classification": "R"}),
            Portion(
                "(U)", "mushroom foraging cooperatives in the pine forest", {"classification": "U"}
            ),
        ),
    ),
    Doc(  # own, no REL TO: public portion and a narrow portion
        "D12",
        {"classification": "R", "originator": "OWN"},
        (
            Portion("(U)", "shipyard welding robots at Ironquay", {"classification": "U"}),
            Portion(
                "(R//REL TO XCA)",
                "bonsai nursery imports through the airport cargo zone",
                {"classification": "R", "rel_to": ["XCA"]},
            ),
        ),
    ),
    Doc(  # classified foreign TLP:GREEN: community membership does not release it
        "D13",
        {"classification": "R", "originator": "XCA", "tlp": "GREEN", "community": "CENTRAL-FIN"},
        (Portion("(R)", "canal lock keepers' overtime claims", {"classification": "R"}),),
    ),
    Doc(  # foreign TLP:RED with REL TO, and an ORCON portion
        "D14",
        {"classification": "R", "originator": "XNE", "rel_to": ["XBO"], "tlp": "RED"},
        (
            Portion(
                "(R)", "meteorite collectors' market in the desert town", {"classification": "R"}
            ),
            Portion(
                "(R//ORCON)",
                "kite surfing school on the windward beach",
                {"classification": "R", "orcon": True},
            ),
        ),
    ),
)


def _markdown(doc: Doc) -> tuple[str, str]:
    front = (
        f"id: {doc.doc_id}\n"
        f"title: Red team dossier {doc.code} {doc.title_canary}\n"
        "kind: partner-note\n"
        f"topics: [redteam, {doc.code.lower()}]\n"
        "reviewed: 2026-06-01\n"
    )
    if doc.banner is not None:
        front += f"handling: {json.dumps(doc.banner)}\n"
    body = ""
    for n, portion in enumerate(doc.portions, start=1):
        canary = doc.canary(n)
        head = f"{portion.marking} " if portion.marking else ""
        body += (
            f"\n## {head}{portion.topic.capitalize()} {canary}\n\n"
            f"The {portion.topic} file carries the control reference {canary}. "
            f"Officers reviewing the {portion.topic} noted a change of routine in 2026.\n"
        )
    return front, body


PORTIONS = [(doc, n, p) for doc in DOCS for n, p in enumerate(doc.portions, start=1)]


def _query(portion: Portion) -> str:
    return f"What control reference does the {portion.topic} file carry?"


@pytest.fixture(scope="module")
def redteam(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> dict[str, Any]:
    from assistant.config import Settings
    from assistant.index.sync import sync

    root = tmp_path_factory.mktemp("redteam")
    corpus = make_corpus(
        root / "corpus", {f"{doc.doc_id}.md": _markdown(doc) for doc in DOCS}, partners=KNOWN
    )
    store = root / "store"
    report = sync(Settings(store=str(store), corpus=corpus), embedder=embedder)
    assert not report.rejected, report.rejected
    assert report.documents == len(DOCS)
    return {"store": store, "corpus": corpus, "registry": load_registry(corpus / "partners.yaml")}


@pytest.fixture
def assistant(redteam: dict[str, Any], embedder: Any) -> Any:
    from assistant.answer.routes.release import route
    from assistant.config import Settings
    from assistant.service import Assistant

    a = Assistant(Settings(store=str(redteam["store"]), today=TODAY.isoformat()), embedder=embedder)
    if route not in a.routes:
        a.routes.append(route)
    return a


# -- who may see what ------------------------------------------------------------------------


def _allowed(registry: Any, audience: str | None) -> set[str]:
    """Every canary ``audience`` may see: ALLOW portions (within clearance), and the title of
    a document with a portion it may see or that may be named to it (NEEDS_CONSENT)."""
    out: set[str] = set()
    for doc in DOCS:
        nameable = False
        for n, portion in enumerate(doc.portions, start=1):
            handling = doc.handling(portion)
            if visible(
                handling, clearance=CLEARANCE, audience=audience, registry=registry, today=TODAY
            ):
                out.add(doc.canary(n))
                nameable = True
            elif (
                audience is not None
                and within_clearance(handling, CLEARANCE)
                and decide(handling, registry, audience, TODAY).outcome is Outcome.NEEDS_CONSENT
            ):
                nameable = True
        if nameable:
            out.add(doc.title_canary)
    return out


def _portion_canaries(allowed: set[str]) -> set[str]:
    return {c for c in allowed if not c.endswith("-0")}


def _canaries(texts: Iterable[str]) -> set[str]:
    return {m for text in texts for m in CANARY.findall(text)}


def _assert_safe(seen: set[str], allowed: set[str], what: str) -> None:
    leaked = seen - allowed
    assert not leaked, f"{what}: leaked {sorted(leaked)}"


def _assert_recall(seen: set[str], allowed: set[str], what: str) -> None:
    wanted = _portion_canaries(allowed)
    if not wanted:
        return
    found = wanted & seen
    assert len(found) >= 0.9 * len(wanted), (
        f"{what}: found {len(found)}/{len(wanted)}; missing {sorted(wanted - found)}"
    )


def test_the_corpus_covers_every_rule_and_the_store_agrees(redteam: dict[str, Any]) -> None:
    """The red-team corpus exercises every rule, and ingest read every marking as written."""
    from assistant.index.manifest import load_manifest

    registry = redteam["registry"]
    rules = {
        decide(doc.handling(p), registry, code, TODAY).rule
        for doc, _, p in PORTIONS
        for code in (*KNOWN, "XQQ")
    }
    assert rules == SPEC_RULE_IDS
    manifest = load_manifest(str(redteam["store"]))
    for doc in DOCS:
        stored = {
            CANARY.findall(p.section)[0]: p.handling
            for p in manifest.documents[doc.doc_id].portions
            if CANARY.findall(p.section)
        }
        expected = {doc.canary(n): doc.handling(p) for n, p in enumerate(doc.portions, start=1)}
        assert stored == expected, doc.doc_id
    # Each audience sees something and is refused something (the test has teeth both ways).
    for audience in (*KNOWN, None):
        allowed = _portion_canaries(_allowed(registry, audience))
        assert 0 < len(allowed) < len(PORTIONS), audience


# -- the Python API --------------------------------------------------------------------------


@pytest.mark.parametrize("audience", AUDIENCES, ids=[str(a) for a in AUDIENCES])
def test_search_and_ask_leak_nothing(
    assistant: Any, redteam: dict[str, Any], audience: str | None
) -> None:
    queries = [_query(p) for _, _, p in PORTIONS]
    if audience == "XQQ":
        # The API refuses an unknown audience; the gate itself admits nothing for it.
        with pytest.raises(BadInput):
            assistant.search(queries[0], audience=audience)
        with pytest.raises(BadInput):
            assistant.ask(queries[0], audience=audience)
        raw = Audience(CLEARANCE, "XQQ", assistant.registry, TODAY)
        for query in queries[::4]:
            assert assistant.retriever.search(query, raw, k=10).hits == []
        return
    allowed = _allowed(redteam["registry"], audience)
    from_search: set[str] = set()
    from_ask: set[str] = set()
    for query in queries:
        result = assistant.search(query, audience=audience, k=5)
        hits = json.dumps(
            {
                "hits": [h.as_dict() for h in result.hits],
                "withheld": [w.as_dict() for w in result.withheld],
            }
        )
        from_search |= _canaries([hits])
        from_ask |= _canaries([json.dumps(assistant.ask(query, audience=audience).as_dict())])
    _assert_safe(from_search, allowed, f"search/{audience}")
    _assert_safe(from_ask, allowed, f"ask/{audience}")
    _assert_recall(from_search, allowed, f"search/{audience}")
    _assert_recall(from_ask, allowed, f"ask/{audience}")


@pytest.mark.parametrize("recipient", KNOWN)
def test_release_questions_leak_nothing(
    assistant: Any, redteam: dict[str, Any], recipient: str
) -> None:
    """The release route names documents, never quotes them: asked for the recipient itself,
    only its canaries; asked by the officer, titles within clearance and sections ALLOW for the
    recipient, nothing else."""
    registry = redteam["registry"]
    for_recipient = _allowed(registry, recipient)
    officer_titles = {c for c in _allowed(registry, None) if c.endswith("-0")}
    officer_may = officer_titles | _portion_canaries(for_recipient)
    for doc in DOCS:
        by_title = f"Is Red team dossier {doc.code} releasable to {recipient}?"
        by_topic = f"What may I give {recipient} about the {doc.portions[0].topic}?"
        for question in (by_title, by_topic):
            as_partner = assistant.ask(question, audience=recipient)
            assert as_partner.kind == "release", question
            _assert_safe(_canaries([json.dumps(as_partner.as_dict())]), for_recipient, question)
            as_officer = assistant.ask(question)
            assert as_officer.kind == "release", question
            _assert_safe(
                _canaries([json.dumps(as_officer.as_dict())]), officer_may, f"officer: {question}"
            )
        # And it states the engine's decision for the document named.
        answer = assistant.ask(by_title).text
        assert _decision_line(answer, doc).startswith(_expected_label(doc, registry, recipient)), (
            answer
        )


def _decision_line(answer: str, doc: Doc) -> str:
    """The answer's line about ``doc`` (or all of it, when it names no document)."""
    named = f'"Red team dossier {doc.code} {doc.title_canary}" ({doc.doc_id})'
    return next((line for line in answer.splitlines() if named in line), answer)


def _expected_label(doc: Doc, registry: Any, recipient: str) -> str:
    banner = Handling.model_validate(doc.banner) if doc.banner else Handling()
    if not within_clearance(banner, CLEARANCE):
        return "No document within your clearance matches"
    handlings = [banner] + [doc.handling(p) for p in doc.portions]
    worst = max(
        (decide(h, registry, recipient, TODAY).outcome for h in handlings),
        key=lambda o: o.severity,
    )
    return {
        Outcome.ALLOW: "- May be given",
        Outcome.NEEDS_CONSENT: "- Needs the consent of "
        + str(doc.banner and doc.banner["originator"]),
        Outcome.DENY: "- Not releasable as a whole",
    }[worst]


# -- the command line ------------------------------------------------------------------------


def _batch(command: str, store: Path, audience: str | None, home: Path) -> tuple[int, list[Any]]:
    args = [sys.executable, "-m", "assistant", command, "--batch", "-", "--json"]
    args += ["--store", str(store)] + (["--audience", audience] if audience else [])
    env = {**os.environ, "LIAISON_HOME": str(home), "LIAISON_TODAY": TODAY.isoformat()}
    # Two model processes at a time on a small machine: one thread each beats contention.
    env |= {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    env.pop("LIAISON_STORE", None)
    out = subprocess.run(
        args,
        input="\n".join(_query(p) for _, _, p in PORTIONS) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert len(lines) == len(PORTIONS), out.stderr[-2000:]
    return out.returncode, lines


def test_cli_batch_leaks_nothing(redteam: dict[str, Any], tmp_path: Path) -> None:
    """`liaison search|ask --batch - --json`, for every audience, in real subprocesses."""
    registry = redteam["registry"]
    # search for every audience; ask (the same gate behind a different printer) for two.
    jobs = [("search", audience) for audience in AUDIENCES] + [("ask", None), ("ask", "XVE")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(
            pool.map(lambda job: _batch(job[0], redteam["store"], job[1], tmp_path / "home"), jobs)
        )
    for (command, audience), (code, lines) in zip(jobs, results, strict=True):
        what = f"cli {command}/{audience}"
        if audience == "XQQ":
            assert code == 2, what
            assert all(set(line) == {"query", "error"} for line in lines), what
            assert all("unknown partner" in line["error"] for line in lines), what
            assert not _canaries([json.dumps(lines)]), what
            continue
        assert code == 0, what
        seen = _canaries(json.dumps(line) for line in lines)
        allowed = _allowed(registry, audience)
        _assert_safe(seen, allowed, what)
        _assert_recall(seen, allowed, what)
