"""The quiz domain: pure code with no I/O (validation, rendering, scoring)."""
