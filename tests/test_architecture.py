"""Every chat output goes through the presenter (docs/ARCHITECTURE.md): no module but the
presenter and its file adapter sends, edits or downloads by itself. A handler answering its
own update may still use `message.reply_*` (that is not what this looks for)."""

from __future__ import annotations

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
