"""Every chat output goes through the presenter (docs/ARCHITECTURE.md): no module but the
presenter and its file adapter sends, edits or downloads by itself. A handler answering its
own update may still use `message.reply_*` (that is not what this looks for)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {
    ROOT / "services" / "chat_messages.py",
    ROOT / "services" / "quiz" / "telegram_presenter.py",
}
DIRECT = re.compile(r"\.(send_message|send_photo|send_document|get_file|edit_message_\w+)\(")


def test_only_the_presenter_talks_to_chats() -> None:
    sources = [ROOT / "bot.py", ROOT / "cli.py"]
    for package in ("handlers", "services", "engine", "storage", "quiz"):
        sources += sorted((ROOT / package).rglob("*.py"))
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in sources
        if path not in ALLOWED
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if DIRECT.search(line)
    ]
    assert found == []


# What the bot runs, and the tools that ship with it. The fakes are held to the function
# limit only (a fake module mirrors a whole vendor API); the tests to neither (a test reads
# top to bottom).
PRODUCTION = ("handlers", "services", "engine", "storage", "quiz", "i18n", "bench", "tools")
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 300
# Modules still over MAX_MODULE_LINES, each with the reason it is not split yet.
LONG_MODULES: dict[str, str] = {
    # A module named here (with why it is not split yet) may pass MAX_MODULE_LINES.
}


def _production_modules() -> list[Path]:
    found = [ROOT / "bot.py", ROOT / "cli.py", ROOT / "settings.py"]
    for package in PRODUCTION:
        found += sorted((ROOT / package).rglob("*.py"))
    return found


def test_no_production_or_fake_function_is_over_60_lines() -> None:
    long = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)"
        for path in [*_production_modules(), *sorted((ROOT / "fakes").rglob("*.py"))]
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (length := (node.end_lineno or node.lineno) - node.lineno + 1) > MAX_FUNCTION_LINES
    ]
    assert long == []


def test_no_production_module_is_over_300_lines() -> None:
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text().splitlines())
        for path in _production_modules()
    }
    long = {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES}
    assert {name: n for name, n in long.items() if name not in LONG_MODULES} == {}
    # An entry whose module has been split (or is gone) leaves the list.
    assert sorted(set(LONG_MODULES) - set(long)) == []
