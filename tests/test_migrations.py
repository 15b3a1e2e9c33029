"""A shipped migration never changes: databases out there have run it, and would not run it
again. New steps are appended; these pin what was shipped, on both dialects."""

from __future__ import annotations

import hashlib

from storage.migrations import MIGRATIONS, postgresql_script, sqlite_script

# How many steps had shipped when this digest was taken, and the digest of their scripts.
SHIPPED = 20
SHIPPED_SHA256 = "ba854035ce4df030a0a41f9ca303631f18cb61d96844e55d535626b6065df5f9"


def test_the_shipped_steps_are_unchanged_and_in_order() -> None:
    digest = hashlib.sha256()
    for step in MIGRATIONS[:SHIPPED]:
        for script in (sqlite_script(step), postgresql_script(step)):
            digest.update(script.encode() + b"\0")
    assert len(MIGRATIONS) >= SHIPPED
    assert digest.hexdigest() == SHIPPED_SHA256
