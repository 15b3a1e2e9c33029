"""A process's identity in the fleet, for its timer claims and leases: `host:pid:token`,
made once in the composition root (bot.py)."""

from __future__ import annotations

import os
import secrets
import socket


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def dead_on_this_host(holder: str, me: str) -> bool:
    """Whether `holder` was a process of this host that is gone (killed, crashed): its claims
    need not wait for their lease to run out. A holder elsewhere is never judged here."""
    host, _, rest = holder.partition(":")
    pid_text, _, _ = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit() or holder == me:
        return False
    pid = int(pid_text)
    # A pid in use counts as alive, even this process's own (a container restarted as pid
    # 1 again): its claims then wait for their lease to run out, never the other way round.
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
