"""What a feature uses is its constructor (docs/ARCHITECTURE.md, "Dependencies"): the
`Services` container of shared infrastructure is read by the composition root alone
(services/wiring, bot.py), and handlers reach features as `context.<feature>`."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The container itself, the composition root, and joining the fleet (which swaps the
# container's locks for the database's before anything is built from them).
ROOT_MODULES = {"services/context.py", "services/fleet.py"}


def _modules() -> list[Path]:
    paths = [*(ROOT / "services").rglob("*.py"), *(ROOT / "handlers").rglob("*.py")]
    return sorted(
        p
        for p in paths
        if str(p.relative_to(ROOT)) not in ROOT_MODULES
        and p.relative_to(ROOT).parts[:2] != ("services", "wiring")
    )


def test_only_the_composition_root_names_the_services_container() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in _modules()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom)
        and node.module == "services.context"
        and any(alias.name in {"Services", "installed"} for alias in node.names)
    ]
    assert found == []


def test_handlers_never_reach_the_container() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted((ROOT / "handlers").glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr == "services"
    ]
    assert found == []
