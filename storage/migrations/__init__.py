"""Versioned schema. Append a new script (at the end of `v14_on.STEPS`) to change the schema;
never edit a shipped one.

Each step runs on both databases with the same version number. A plain script is SQLite's,
written portably (see docs/postgresql.md): `postgresql_script` turns its types into
PostgreSQL's. A step that cannot be translated (an FTS5 table, triggers, a table rebuild, a
PRAGMA) is a `Dialects` pair: the SQLite script and its PostgreSQL counterpart. SQLite records
how many steps a database has run in `PRAGMA user_version`, PostgreSQL in `schema_migrations`.
"""

from __future__ import annotations

from storage.migrations import v01_08, v09_13, v14_on
from storage.migrations.dialects import Dialects, Migration, postgresql_script, sqlite_script

__all__ = ["MIGRATIONS", "Dialects", "Migration", "postgresql_script", "sqlite_script"]

# In order: the position of a step is its version number.
MIGRATIONS: tuple[Migration, ...] = (*v01_08.STEPS, *v09_13.STEPS, *v14_on.STEPS)
