"""The quiz's way out takes what it uses in its constructors (docs/ARCHITECTURE.md,
"Dependencies"): no function of these modules takes the `Services` container, except the
shims marked `# shim:` that other features' modules still call with it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONVERTED = [
    "services/quiz/closing.py",
    "services/quiz/delivery.py",
    "services/quiz/deadlines.py",
    "services/quiz/live.py",
    "services/quiz/live_board.py",
    "services/quiz/lookup.py",
    "services/quiz/common.py",
    "services/quiz/answers.py",
    "services/recovery.py",
    "services/membership.py",
]


def _takes_services(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        arg.annotation is not None and "Services" in ast.unparse(arg.annotation)
        for arg in [*node.args.args, *node.args.kwonlyargs]
    )


def test_no_function_of_the_closing_stages_takes_the_services_but_a_shim() -> None:
    found = []
    for name in CONVERTED:
        source = (ROOT / name).read_text()
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _takes_services(node):
                body = lines[node.lineno - 1 : node.end_lineno]
                if not any("# shim:" in line for line in body):
                    found.append(f"{name}:{node.lineno} {node.name}")
    assert found == []


def test_handlers_reach_the_closing_stages_through_their_context() -> None:
    # Importing one of these modules whole was how a handler called its `svc` functions;
    # the objects come from the context (`context.closing`, `context.quiz_lookup`, …).
    modules = {
        "services.quiz": {"closing", "delivery", "deadlines", "live", "lookup", "answers"},
        "services": {"membership", "recovery"},
    }
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.module}.{alias.name}"
        for path in sorted((ROOT / "handlers").glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name in modules.get(node.module or "", set())
    ]
    assert found == []
