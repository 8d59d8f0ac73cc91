"""``make serve-store``: a team store on this machine, a Chroma server on loopback behind
nginx, which checks a bearer token on every request (deploy/nginx-store.conf).

    python -m deploy.serve_store [--data DIR] [--port 8800] [--chroma-port 8801]
                                 [--cert FILE --key FILE] [--issue NAME:CLEARANCE]

``--issue`` adds a token to the tokens file and prints it once. Without ``--cert``/``--key``
the proxy speaks plain HTTP on loopback (for one machine, or behind the office's TLS); with
them it speaks HTTPS, and clients set ``LIAISON_STORE_CA`` to the CA that signed the
certificate. Both processes stop together (Ctrl+C).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "nginx-store.conf"
CLEARANCES = ("UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP SECRET")


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).is_file()), None
    )


def chroma_binary() -> str:
    beside = Path(sys.executable).parent / "chroma"
    return str(beside) if beside.exists() else "chroma"


def render(
    run: Path,
    *,
    port: int,
    upstream: int,
    tokens: Path,
    cert: Path | None = None,
    key: Path | None = None,
) -> Path:
    """Write the proxy's configuration for these ports and files; its path."""
    run.mkdir(parents=True, exist_ok=True)
    listen = f"127.0.0.1:{port}" + (" ssl" if cert else "")
    tls = (
        f"ssl_certificate {cert};\n        ssl_certificate_key {key};\n"
        "        ssl_protocols TLSv1.2 TLSv1.3;"
        if cert and key
        else ""
    )
    text = TEMPLATE.read_text("utf-8")
    for name, value in {
        "RUN": str(run),
        "TOKENS": str(tokens),
        "LISTEN": listen,
        "TLS": tls,
        "UPSTREAM": str(upstream),
    }.items():
        text = text.replace(f"@{name}@", value)
    upstream_conf = (HERE / "nginx-upstream.conf").read_text("utf-8")
    (run / "upstream.conf").write_text(upstream_conf.replace("@UPSTREAM@", str(upstream)))
    target = run / "nginx.conf"
    target.write_text(text, "utf-8")
    if not tokens.exists():
        tokens.write_text('# "Bearer <token>" "<clearance>";\n', "utf-8")
        tokens.chmod(0o600)
    return target


def issue(tokens: Path, who: str, clearance: str) -> str:
    """A new token for ``who`` at ``clearance``, added to the tokens file; the token."""
    if clearance.upper() not in CLEARANCES:
        raise SystemExit(f"unknown clearance {clearance!r}: one of {', '.join(CLEARANCES)}")
    if not all(ch.isalnum() or ch in "-_.@" for ch in who):
        raise SystemExit(f"a token's holder is a plain name (letters, digits, -_.@): {who!r}")
    token = secrets.token_urlsafe(32)
    tokens.parent.mkdir(parents=True, exist_ok=True)
    with tokens.open("a", encoding="utf-8") as out:
        out.write(f'"Bearer {token}" "{clearance.upper()}";  # {who}, issued {dt.date.today()}\n')
    tokens.chmod(0o600)
    return token


def wait_for(url: str, timeout: float = 60, expect: tuple[int, ...] = (200, 401)) -> None:
    """Until ``url`` answers with one of ``expect`` (a server that is up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status in expect:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code in expect:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def make_databases(upstream: int) -> None:
    """One database per classification level on the Chroma server, made on loopback behind
    the proxy (which lets no client create one). Those already there are kept."""
    from assistant.index.levels import DATABASES

    url = f"http://127.0.0.1:{upstream}/api/v2/tenants/default_tenant/databases"
    for name in DATABASES.values():
        request = urllib.request.Request(
            url,
            data=json.dumps({"name": name}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            urllib.request.urlopen(request, timeout=10).close()
        except urllib.error.HTTPError as exc:
            if exc.code != 409 and "exists" not in exc.read().decode("utf-8", "replace"):
                raise SystemExit(f"cannot make the {name} database: {exc}") from None


def start(
    data: Path, port: int, upstream: int, cert: Path | None, key: Path | None
) -> list[subprocess.Popen[bytes]]:
    """Start Chroma and the proxy; the two processes."""
    nginx = nginx_binary()
    if nginx is None:
        raise SystemExit("nginx is not installed (Debian: apt-get install nginx)")
    run = data / "run"
    conf = render(run, port=port, upstream=upstream, tokens=data / "tokens.map", cert=cert, key=key)
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "CHROMA_TELEMETRY": "False"}
    chroma = subprocess.Popen(
        [
            chroma_binary(),
            "run",
            "--path",
            str(data / "chroma"),
            "--host",
            "127.0.0.1",
            "--port",
            str(upstream),
        ],
        stdout=(run / "chroma.log").open("ab"),
        stderr=subprocess.STDOUT,
        env=env,
    )
    wait_for(f"http://127.0.0.1:{upstream}/api/v2/heartbeat", expect=(200,))
    make_databases(upstream)
    proxy = subprocess.Popen([nginx, "-p", str(run), "-c", str(conf)])
    scheme = "https" if cert else "http"
    try:
        wait_for(f"{scheme}://127.0.0.1:{port}/api/v2/heartbeat", expect=(401,), timeout=20)
    except SystemExit:
        chroma.terminate()
        proxy.terminate()
        log = (
            (run / "error.log").read_text("utf-8", "replace")[-600:]
            if (run / "error.log").exists()
            else ""
        )
        raise SystemExit(f"nginx did not start: {log.strip()}") from None
    return [chroma, proxy]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(
            os.environ.get("LIAISON_SERVER_DATA", Path.home() / ".local/share/liaison-server")
        ),
    )
    parser.add_argument("--port", type=int, default=8800)
    parser.add_argument("--chroma-port", type=int, default=8801)
    parser.add_argument("--cert", type=Path)
    parser.add_argument("--key", type=Path)
    parser.add_argument("--issue", metavar="NAME:CLEARANCE")
    args = parser.parse_args(argv)
    if args.issue:
        who, _, clearance = args.issue.partition(":")
        print(issue(args.data / "tokens.map", who, clearance or "UNCLASSIFIED"))
        return
    processes = start(args.data, args.port, args.chroma_port, args.cert, args.key)
    scheme = "https" if args.cert else "http"
    print(f"team store: {scheme}://127.0.0.1:{args.port} (tokens: {args.data / 'tokens.map'})")

    def stop(*_: object) -> None:
        for process in processes:
            process.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for process in processes:
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
