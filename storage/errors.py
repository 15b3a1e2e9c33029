"""The errors a database raises, whichever database it is: what callers catch."""

from __future__ import annotations

import sqlite3

from storage.postgres import PG_ERRORS, PG_INTEGRITY_ERRORS

# Any failure of the database or its driver (a statement, the connection, a constraint).
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, *PG_ERRORS)
# A constraint refused a write (a duplicate key, a foreign key, a CHECK).
INTEGRITY_ERRORS: tuple[type[Exception], ...] = (sqlite3.IntegrityError, *PG_INTEGRITY_ERRORS)
