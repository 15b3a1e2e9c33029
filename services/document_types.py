"""Which documents file_search can index, and how their names and sizes are shown."""

from __future__ import annotations

import posixpath

# What file_search can index (OpenAI's file search guide, "Supported files"), by extension.
# Telegram's mime types are whatever the sender's app guessed, so the name decides first.
SUPPORTED_TYPES: dict[str, tuple[str, ...]] = {
    ".c": ("text/x-c",),
    ".cpp": ("text/x-c++",),
    ".cs": ("text/x-csharp",),
    ".css": ("text/css",),
    ".doc": ("application/msword",),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
    ".go": ("text/x-golang",),
    ".html": ("text/html",),
    ".java": ("text/x-java",),
    ".js": ("text/javascript",),
    ".json": ("application/json",),
    ".md": ("text/markdown",),
    ".pdf": ("application/pdf",),
    ".php": ("text/x-php",),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",),
    ".py": ("text/x-python", "text/x-script.python"),
    ".rb": ("text/x-ruby",),
    ".sh": ("application/x-sh",),
    ".tex": ("text/x-tex",),
    ".ts": ("application/typescript",),
    ".txt": ("text/plain",),
}
# Common spellings that OpenAI also accepts under another extension's name.
_ALIASES = {".htm": ".html", ".markdown": ".md"}
_BY_MIME = {mime: ext for ext, mimes in SUPPORTED_TYPES.items() for mime in mimes}


def supported_extension(file_name: str | None, mime_type: str | None) -> str | None:
    """The file_search extension for a document, or None if it can't be indexed."""
    ext = posixpath.splitext((file_name or "").lower())[1]
    ext = _ALIASES.get(ext, ext)
    if ext in SUPPORTED_TYPES:
        return ext
    if not ext and mime_type:
        return _BY_MIME.get(mime_type.split(";")[0].strip().lower())
    return None


def supported_list() -> str:
    return ", ".join(ext.lstrip(".") for ext in SUPPORTED_TYPES)


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{int(size)} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def upload_name(file_name: str | None, ext: str) -> str:
    """The name OpenAI (and every citation) shows; a nameless document gets a neutral one."""
    name = (file_name or "").strip().replace("/", "_") or f"document{ext}"
    # OpenAI decides how to parse a file by its extension.
    return name if posixpath.splitext(name.lower())[1] == ext else f"{name}{ext}"
