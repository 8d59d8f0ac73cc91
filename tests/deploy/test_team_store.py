"""The team store with real parts: a Chroma server (`chroma run` on loopback) behind nginx,
configured by deploy/serve_store.py as `make serve-store` does. `liaison` sends the bearer
token with every request; a missing or wrong token is one clear line, never a traceback, and
the token is never printed. `.ci/run` installs nginx when it is missing."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.serve_store import issue, nginx_binary, start
from tests.conftest import ROOT, SHIPPED

pytestmark = [
    pytest.mark.integration,
    pytest.mark.allow_hosts(["127.0.0.1"]),  # the servers are on loopback; nothing else
    pytest.mark.skipif(
        nginx_binary() is None, reason="nginx is not installed (.ci/run installs it)"
    ),
]

LIAISON = str(Path(sys.executable).parent / "liaison")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    data = tmp_path_factory.mktemp("team-store")
    token = issue(data / "tokens.map", "admin", "TOP SECRET")  # ingests need every level
    restricted = issue(data / "tokens.map", "bob", "RESTRICTED")
    port = _free_port()
    processes = start(data, port, _free_port(), None, None)
    try:
        yield {"url": f"http://127.0.0.1:{port}", "token": token, "restricted": restricted}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def _liaison(
    home: Path, *args: str, token: str | None = None, collection: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISON_")}
    env["LIAISON_HOME"] = str(home)
    env.update(collection or {})
    if token is not None:
        env["LIAISON_STORE_TOKEN"] = token
    return subprocess.run(
        [LIAISON, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )


def test_no_token_and_a_wrong_token_are_refused_in_one_line(
    server: dict[str, str], tmp_path: Path
) -> None:
    url = server["url"]
    missing = _liaison(tmp_path, "search", "gifts", "--store", url)
    assert missing.returncode == 1
    assert f"the store at {url} needs a token (401)" in missing.stderr
    assert "LIAISON_STORE_TOKEN" in missing.stderr and "Traceback" not in missing.stderr
    wrong = _liaison(tmp_path, "search", "gifts", "--store", url, token="not-the-token")
    assert wrong.returncode == 1
    assert "refused the token (401)" in wrong.stderr and "Traceback" not in wrong.stderr
    assert "not-the-token" not in wrong.stderr + wrong.stdout


def test_the_right_token_ingests_and_answers(server: dict[str, str], tmp_path: Path) -> None:
    url, token = server["url"], server["token"]
    ingest = _liaison(tmp_path, "ingest", str(SHIPPED), "--store", url, "--json", token=token)
    assert ingest.returncode == 0, ingest.stderr
    asked = _liaison(
        tmp_path,
        "ask",
        "Which gifts must be declared?",
        "--store",
        url,
        "--json",
        "--audience",
        "XBO",
        token=token,
    )
    assert asked.returncode == 0, asked.stderr
    assert '"abstained": false' in asked.stdout and "gifts-policy" in asked.stdout
    assert token not in ingest.stdout + ingest.stderr + asked.stdout + asked.stderr


def test_a_second_machine_with_an_empty_home_answers_from_the_server(
    server: dict[str, str], tmp_path: Path
) -> None:
    url, token = server["url"], server["token"]
    first, second = tmp_path / "first", tmp_path / "second"
    ingest = _liaison(first, "ingest", str(SHIPPED), "--store", url, token=token)
    assert ingest.returncode == 0, ingest.stderr
    assert not second.exists()  # nothing local on the second machine
    for home in (first, second):
        status = _liaison(home, "status", "--store", url, "--json", token=token)
        assert status.returncode == 0, status.stderr
        assert '"documents": 54' in status.stdout.replace("  ", " ")
    runs = {}
    for home in (first, second):
        runs[home] = [
            _liaison(home, *args, "--store", url, "--json", token=token)
            for args in (
                ("check", "xbo-ct-threat-assessment-2026", "--to", "XTA"),
                ("search", "seating plan", "--audience", "XTA"),
                ("ask", "Which gifts must be declared?", "--audience", "XBO"),
            )
        ]
    for a, b in zip(runs[first], runs[second], strict=True):
        assert a.returncode == b.returncode == 0, b.stderr
        assert _without_times(a.stdout) == _without_times(b.stdout)
    assert '"DENY"' in runs[second][0].stdout  # the same release decision, not "unknown"


def _without_times(text: str) -> str:
    import json

    def clean(value: object) -> object:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in ("elapsed_ms", "took_ms")}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return json.dumps(clean(json.loads(text)), sort_keys=True)


def test_another_machines_different_corpus_needs_force(
    server: dict[str, str], tmp_path: Path
) -> None:
    import shutil

    url, token = server["url"], server["token"]
    publisher, other = tmp_path / "publisher", tmp_path / "other"
    assert _liaison(publisher, "ingest", str(SHIPPED), "--store", url, token=token).returncode == 0
    # The other machine (another home) has its own copy, with one note edited. (A note
    # missing from its copy is never removed: the store's documents came from another path.)
    corpus = shutil.copytree(SHIPPED, tmp_path / "corpus")
    note = corpus / "lessons" / "lesson-04-areas-and-limits.md"
    note.write_text(note.read_text() + "\nThe harbour of Quillport hosts the annual drill.\n")
    refused = _liaison(other, "ingest", str(corpus), "--store", url, token=token)
    assert refused.returncode == 1, refused.stdout
    assert "would remove 0 and change 1 of its documents" in refused.stderr
    assert "liaison ingest --force" in refused.stderr
    search = ("search", "Quillport annual drill", "--store", url, "--json")
    assert "harbour of Quillport" not in _liaison(publisher, *search, token=token).stdout
    forced = _liaison(other, "ingest", str(corpus), "--store", url, "--force", token=token)
    assert forced.returncode == 0, forced.stderr
    assert "harbour of Quillport" in _liaison(publisher, *search, token=token).stdout
    # Put the shipped corpus back for the other tests.
    back = _liaison(publisher, "ingest", str(SHIPPED), "--store", url, "--force", token=token)
    assert back.returncode == 0, back.stderr


def test_readers_on_another_machine_never_see_half_a_document_during_an_ingest(
    server: dict[str, str], tmp_path: Path, embedder: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re
    import time

    from assistant.config import Settings
    from assistant.index.remote import fetch
    from assistant.service import Assistant
    from tests.index.test_crash import _corpus

    url, token = server["url"], server["token"]
    writer, reader_home = tmp_path / "writer", tmp_path / "reader"
    one, two = _corpus(tmp_path / "one", "one"), _corpus(tmp_path / "two", "two")
    args = ("--store", url, "--json")
    env = {"LIAISON_COLLECTION": "versions"}
    first = _liaison(writer, "ingest", str(one), *args, token=token, collection=env)
    assert first.returncode == 0, first.stderr
    monkeypatch.setenv("LIAISON_HOME", str(reader_home))  # the reader's machine: its own home
    settings = Settings(store=url, store_token=token, collection="versions")
    fetch(settings)
    update = subprocess.Popen(
        [LIAISON, "ingest", str(two), *args],
        env={**_env(writer, token), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: set[str] = set()
    reads = 0
    try:
        while update.poll() is None or reads < 3:
            reader = Assistant(settings, embedder=embedder, audited=False)  # type: ignore[arg-type]
            hits = reader.retriever.search(
                "version of note part says a thing", reader.audience(None), k=80, mode="lexical"
            ).hits
            versions: dict[str, set[str]] = {}
            for hit in hits:
                found = re.search(r"Version (one|two) of note", hit.text)
                assert found, hit.text
                versions.setdefault(hit.doc_id, set()).add(found.group(1))
            mixed = {doc: v for doc, v in versions.items() if len(v) > 1}
            assert not mixed, f"half-synced documents seen: {mixed}"
            seen |= {v for vs in versions.values() for v in vs}
            reads += 1
            time.sleep(0.05)
    finally:
        _out, err = update.communicate(timeout=300)
    assert update.returncode == 0, err
    assert reads >= 3 and "two" in seen


def _env(home: Path, token: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISON_")}
    return {**env, "LIAISON_HOME": str(home), "LIAISON_STORE_TOKEN": token}


def test_a_restricted_token_reads_nothing_above_restricted_even_with_a_raw_client(
    server: dict[str, str], tmp_path: Path
) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from assistant.corpus.markings import Level
    from assistant.index.levels import DATABASES

    url, admin, restricted = server["url"], server["token"], server["restricted"]
    ingest = _liaison(tmp_path / "admin", "ingest", str(SHIPPED), "--store", url, token=admin)
    assert ingest.returncode == 0, ingest.stderr
    port = int(url.rsplit(":", 1)[1])

    def raw(token: str, level: Level) -> set[str]:
        client = chromadb.HttpClient(
            host="127.0.0.1",
            port=port,
            database=DATABASES[level],
            headers={"Authorization": f"Bearer {token}"},
            settings=ChromaSettings(anonymized_telemetry=False),
        )
        got = client.get_collection("liaison").get(include=["metadatas"])
        return {str(m["classification"]) for m in got["metadatas"] or []}

    assert raw(admin, Level.SECRET) == {"SECRET"}  # the admin's token reaches it: it is there
    assert raw(restricted, Level.RESTRICTED) == {"RESTRICTED"}
    for level in (Level.CONFIDENTIAL, Level.SECRET, Level.TOP_SECRET):
        with pytest.raises(Exception, match="above the clearance of this token"):
            raw(restricted, level)
    # liaison with that token, on a machine whose configuration says SECRET: only what the
    # token reaches, and the same catalogue cut (no title of a document it cannot read).
    home = tmp_path / "bob"
    searched = _liaison(
        home,
        "search",
        "threat assessment",
        "--store",
        url,
        "--json",
        "--k",
        "40",
        token=restricted,
    )
    assert searched.returncode == 0, searched.stderr
    seen = {h["handling"]["classification"] for h in json.loads(searched.stdout)["hits"]}
    assert seen and seen <= {"UNCLASSIFIED", "RESTRICTED"}
    manifest = next((home / "data" / "remote").glob("*/liaison-manifest.json")).read_text()
    admin_manifest = next((tmp_path / "admin" / "data" / "remote").glob("*/liaison-manifest.json"))
    assert "(withheld: above RESTRICTED)" in manifest
    assert '"levels"' in manifest and len(manifest) < len(admin_manifest.read_text())
    # An ingest with that token is refused before anything changes.
    refused = _liaison(
        home, "ingest", str(SHIPPED), "--store", url, "--rebuild", "--force", token=restricted
    )
    assert refused.returncode == 1
    assert "needs a token for every level" in refused.stderr and "Traceback" not in refused.stderr


def test_the_proxy_refuses_what_is_not_a_level_database_read(server: dict[str, str]) -> None:
    import urllib.error
    import urllib.request

    url, restricted = server["url"], server["restricted"]
    base = f"{url}/api/v2/tenants/default_tenant/databases"

    def status(path: str, method: str = "GET", body: bytes | None = None) -> int:
        request = urllib.request.Request(
            path, data=body, method=method, headers={"Authorization": f"Bearer {restricted}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return exc.code

    assert status(f"{base}/restricted/collections") == 200
    assert status(f"{base}/secret/collections") == 403
    assert status(f"{base}/secre%74/collections") == 400  # no encoded way round the check
    assert status(f"{base}/restricted/%2E%2E/secret/collections") == 400
    assert status(base, "POST", b'{"name": "mine"}') == 403  # no new databases
    assert status(f"{url}/api/v2/tenants/other/databases/restricted/collections") == 403
    assert status(f"{url}/api/v2/reset", "POST") == 403
    assert status(f"{url}/api/v1/collections") == 403


def test_two_ingests_from_two_machines_take_turns(server: dict[str, str], tmp_path: Path) -> None:
    from tests.index.test_crash import _corpus

    url, admin = server["url"], server["token"]
    corpus = _corpus(tmp_path / "corpus", "one")  # 24 notes: quick, and long enough to overlap
    args = ("ingest", str(corpus), "--store", url, "--rebuild", "--force", "--json")
    turns = {"LIAISON_COLLECTION": "turns"}
    runs = [
        subprocess.Popen(
            [LIAISON, *args],
            env={**_env(tmp_path / name, admin), **turns},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for name in ("one", "two")
    ]
    outs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in outs]
    waited = [err for _, err in outs if "waiting: the store is being synced by an ingest by" in err]
    assert len(waited) == 1, [err for _, err in outs]
    status = _liaison(
        tmp_path / "three", "status", "--store", url, "--json", token=admin, collection=turns
    )
    assert json.loads(status.stdout)["documents"] == 24


def test_a_lease_left_by_a_dead_ingest_is_taken_over(
    server: dict[str, str], tmp_path: Path
) -> None:
    import time

    from assistant.config import Settings
    from assistant.index.lease import RECORD
    from assistant.index.store import open_configured

    url, admin = server["url"], server["token"]
    dead = {"user": "carol", "host": "far-away", "pid": 1, "since": "earlier", "nonce": "dead"}
    store = open_configured(Settings(store=url, store_token=admin))
    store.write_meta(RECORD, json.dumps({**dead, "renewed": time.time() - 3600}), "dead")
    run = _liaison(tmp_path, "ingest", str(SHIPPED), "--store", url, "--no-wait", token=admin)
    assert run.returncode == 0, run.stderr
    assert "took over the store's sync lock from an ingest by carol@far-away" in run.stderr
