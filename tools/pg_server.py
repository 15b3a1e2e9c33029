"""A throwaway PostgreSQL server for the tests, CI and the bench: no service, no packages
beyond the server's own binaries, nothing left behind.

`initdb` and `pg_ctl` refuse to run as root, so as root they run as the `postgres` user
(Debian's packages create it) or `nobody`, in a temporary folder that user owns. The server
listens on 127.0.0.1 at a free port and on a Unix socket in that folder, trusts local
connections (nothing else can reach it) and, unless asked to keep it, runs without fsync: a
test database that a crash of the machine would lose is no loss, and it is several times faster.

    python3 -m tools.pg_server start DIR   # prints postgresql://… ; DIR must not exist
    python3 -m tools.pg_server stop DIR

Standard library only: CI runs it before the virtualenv exists.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
from pathlib import Path

USER = "studyquiz"
# For speed only where durability is not the point (see the module's docstring).
FAST = ("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl: $PG_BIN, Debian's newest version, or the PATH."""
    given = os.environ.get("PG_BIN")
    if given:
        return Path(given)
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _runner() -> list[str]:
    """The prefix that runs the server's tools as an unprivileged user when we are root."""
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        try:
            pw = pwd.getpwnam(name)
        except KeyError:
            continue
        return ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--clear-groups"]
    raise RuntimeError("running as root and there is no postgres or nobody user to run as")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _own(folder: Path) -> None:
    if os.geteuid() == 0:
        for name in ("postgres", "nobody"):
            try:
                pw = pwd.getpwnam(name)
            except KeyError:
                continue
            os.chown(folder, pw.pw_uid, pw.pw_gid)
            return


def start(folder: Path, *, durable: bool = False) -> str:
    """Create and start a cluster in `folder` (made here); its URL. `durable`: keep fsync."""
    bindir = binaries()
    if bindir is None:
        raise RuntimeError("PostgreSQL's initdb was not found (install postgresql, or set PG_BIN)")
    folder.mkdir(parents=True)
    folder.chmod(0o755)
    data = folder / "data"
    _own(folder)
    run = _runner()
    subprocess.run(
        [
            *run,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            USER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            "--no-instructions",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = _free_port()
    options = ["-p", str(port), "-k", str(folder), "-c", "listen_addresses=127.0.0.1"]
    options += ["-c", "max_connections=200"]
    if not durable:
        options += FAST
    subprocess.run(
        [
            *run,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(folder / "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            " ".join(options),
            "start",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    url = f"postgresql://{USER}@127.0.0.1:{port}/postgres"
    (folder / "url").write_text(url + "\n")
    return url


def stop(folder: Path) -> None:
    """Stop the cluster in `folder` (fast shutdown) and delete the folder."""
    bindir = binaries()
    if bindir is not None and (folder / "data" / "postmaster.pid").exists():
        subprocess.run(
            [
                *_runner(),
                str(bindir / "pg_ctl"),
                "-D",
                str(folder / "data"),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            check=False,
            stdout=subprocess.DEVNULL,
        )
    shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(argv[1])
    if argv[0] == "start":
        print(start(folder))
    else:
        stop(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
