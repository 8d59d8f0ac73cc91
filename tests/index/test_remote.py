"""Each level's cut of a team store's catalogue (remote.for_level): what a reader at that
level may have on its machine. A unit test, with no server."""

from __future__ import annotations

import datetime as dt
import json

from assistant.corpus.catalogue import DocEntry, Portion
from assistant.corpus.markings import Handling, Level
from assistant.index.manifest import MANIFEST, Manifest
from assistant.index.remote import for_level
from assistant.index.snapshot import LEDGER_SNAPSHOT

U = Handling(classification=Level.UNCLASSIFIED, originator="OWN")
S = Handling(classification=Level.SECRET, originator="OWN")


def _entry(title: str, banner: Handling, chunks: dict[str, Level], **extra: object) -> DocEntry:
    return DocEntry(
        digest="d",
        path=f"/c/{title}.md",
        source=f"corpus/{title}.md",
        title=title,
        kind="doctrine",
        reviewed=dt.date(2026, 1, 1),
        banner=banner,
        portions=(Portion(section="Open part", handling=U), Portion(section="Sources", handling=S))
        if banner is S
        else (Portion(section="Open part", handling=U),),
        chunks=tuple(chunks),
        levels=tuple(level.rank for level in chunks.values()),
        **extra,  # type: ignore[arg-type]
    )


def _files() -> dict[str, str]:
    manifest = Manifest(
        documents={
            "mixed": _entry(
                "mixed", S, {"m1": Level.UNCLASSIFIED, "m2": Level.SECRET}, quiz=({"q": 1},)
            ),
            "open": _entry("open", U, {"o1": Level.UNCLASSIFIED}, quiz=({"q": 2},)),
            "secret-only": _entry("Operation Quillfeather", S, {"s1": Level.SECRET}),
            "old": _entry("old", U, {"x1": Level.UNCLASSIFIED}).model_copy(update={"levels": ()}),
        }
    )
    ledger = {"handling": json.loads(S.model_dump_json()), "exchanges": []}
    return {MANIFEST: manifest.model_dump_json(), LEDGER_SNAPSHOT: json.dumps(ledger)}


def test_a_level_sees_only_its_chunks_and_no_title_of_a_document_wholly_above_it() -> None:
    cut = for_level(_files(), Level.RESTRICTED)
    manifest = Manifest.model_validate_json(cut[MANIFEST])
    assert set(manifest.documents) == {"mixed", "open"}
    assert "Quillfeather" not in cut[MANIFEST]
    mixed = manifest.documents["mixed"]
    assert mixed.chunks == ("m1",) and mixed.levels == (Level.UNCLASSIFIED.rank,)
    # The secret section's name is withheld, its marking kept (a release check counts it).
    assert [p.section for p in mixed.portions] == ["Open part", "(withheld: above RESTRICTED)"]
    assert mixed.portions[1].handling == S
    assert mixed.quiz == () and manifest.documents["open"].quiz == ({"q": 2},)
    assert LEDGER_SNAPSHOT not in cut  # the ledger is marked SECRET


def test_the_top_level_sees_everything_and_unknown_levels_count_as_the_top() -> None:
    files = _files()
    top = Manifest.model_validate_json(for_level(files, Level.TOP_SECRET)[MANIFEST])
    assert set(top.documents) == {"mixed", "open", "secret-only", "old"}
    secret = Manifest.model_validate_json(for_level(files, Level.SECRET)[MANIFEST])
    assert "old" not in secret.documents  # synced before levels were kept: fail closed
    assert LEDGER_SNAPSHOT in for_level(files, Level.SECRET)
