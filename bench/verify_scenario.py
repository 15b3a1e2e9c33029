"""The answer-key checks' figure: a scripted 10-question quiz with 2 planted wrong keys, 1
near-duplicate and 1 question in another language. Every one of the 4 must be caught (the
writer insists on them when asked once to fix them, so they are left out) and the other 6
posted; the first question's delay is measured with QUIZ_VERIFY on and off, and the solves'
tokens added up."""

from __future__ import annotations

import asyncio
import copy
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.proc import BenchTelegram, child, child_env
from bench.report import Row, mark
from fakes.openai_server import FakeOpenAI
from fakes.telegram_server import Chat, User

QUESTIONS = 10
WRONG_KEYS = (2, 6)  # 0-based; the solver confidently picks another choice
DUPLICATE, DUPLICATE_OF = 8, 0  # the same key and choices behind a reworded question
WRONG_LANGUAGE = 4  # Korean in an English quiz
TOPIC = "the light reactions of photosynthesis"
SOLVE_TOOL = "solve_quiz"
WARM_UP = 2.0


def planted_quiz() -> dict[str, Any]:
    questions = []
    for i in range(QUESTIONS):
        questions.append(
            {
                "question_text": f"Q{i + 1}: which part of the chloroplast does step {i + 1}?",
                "choices": [f"Q{i + 1}: membrane part {c + 1}" for c in range(4)],
                "answer_index": i % 4,
                "explanation": f"Part {i % 4 + 1} holds the enzymes of step {i + 1}.",
                "source_file": None,
                "source_quote": None,
            }
        )
    duplicate = copy.deepcopy(questions[DUPLICATE_OF])
    duplicate["question_text"] = "Q1: which part of the chloroplast does step 1, then?"
    questions[DUPLICATE] = duplicate
    questions[WRONG_LANGUAGE] = {
        **questions[WRONG_LANGUAGE],
        "question_text": "광합성의 명반응은 엽록체의 어느 부분에서 일어나나요?",
        "choices": ["틸라코이드 막", "스트로마", "외막", "내막"],
        "explanation": "명반응은 틸라코이드 막에서 일어납니다.",
    }
    return {"title": "Photosynthesis", "questions": questions}


@dataclass
class VerifyRun:
    first_poll_at: float
    polls: list[str]  # the posted questions' texts
    notices: list[str]
    solves: int
    solve_tokens: int
    writer_tokens: int


@dataclass
class VerifyResult:
    on: VerifyRun
    off: VerifyRun

    @property
    def caught(self) -> int:
        return QUESTIONS - len(self.on.polls)

    @property
    def planted_posted(self) -> list[str]:
        """Planted questions that reached the chat (should be none)."""
        planted = planted_quiz()["questions"]
        bad = [planted[i]["question_text"] for i in (*WRONG_KEYS, DUPLICATE, WRONG_LANGUAGE)]
        return [p for p in self.on.polls if any(p.endswith(b) for b in bad)]


async def _run(workdir: Path, verify: bool, stream_delay: float) -> VerifyRun:
    db = workdir / f"verify-{'on' if verify else 'off'}.sqlite3"
    args = planted_quiz()
    user = User(778, "Checker", language_code="en")
    chat = Chat(user.id, "private")
    expected = QUESTIONS - 4 if verify else QUESTIONS
    async with BenchTelegram() as tg, FakeOpenAI() as oa:
        oa.stream_delay = stream_delay
        for i in WRONG_KEYS:
            wrong = args["questions"][i]["choices"][(i + 1) % 4]
            oa.solver_picks(f"Q{i + 1}: ", wrong, confidence=0.9)
        oa.queue_function_call("generate_quiz", args)
        oa.queue_function_call("generate_quiz", args)  # the writer insists when told
        env = child_env(tg, oa, db, QUIZ_MAX_QUESTIONS=str(QUESTIONS), OPENAI_STREAM="true")
        env["QUIZ_VERIFY"] = "on" if verify else "off"
        async with child("studyquiz", env, workdir, f"verify-{verify}") as bot:
            await asyncio.wait_for(tg.polling_started.wait(), 30)
            # The language identifier loads in the background at start (about half a
            # second): a bot in service has long done so; the figure is of a quiz's own delay.
            await asyncio.sleep(WARM_UP)
            t0 = time.monotonic()
            tg.user_sends(chat, user, f"/quiz {QUESTIONS} {TOPIC}")
            try:
                polls = await tg.wait_for("sendPoll", count=expected, timeout=60)
                if verify:
                    await tg.wait_for(
                        "sendMessage",
                        predicate=lambda c: "left out" in str(c.params.get("text")),
                        count=2,
                        timeout=30,
                    )
            except AssertionError as exc:
                raise RuntimeError(f"{exc}\nbot log:\n{bot.tail()}") from None
        violations = [*tg.violations, *oa.violations]
        created = list(oa.created)
        solves = len(oa.solve_requests)
        notices = [
            str(c.params["text"])
            for c in tg.calls_of("sendMessage")
            if "left out" in str(c.params.get("text"))
        ]
    if violations:
        raise RuntimeError("spec violations in the verify run:\n" + "\n".join(violations[:5]))

    def tokens(solve: bool) -> int:
        return sum(
            int(r["usage"]["total_tokens"])
            for r in created
            if any(t.get("name") == SOLVE_TOOL for t in r.get("tools") or []) == solve
        )

    return VerifyRun(
        first_poll_at=polls[0].time - t0,
        polls=[str(p.params["question"]) for p in polls],
        notices=notices,
        solves=solves,
        solve_tokens=tokens(True),
        writer_tokens=tokens(False),
    )


async def verification(workdir: Path, stream_delay: float = 0.001) -> VerifyResult:
    on = await _run(workdir, True, stream_delay)
    off = await _run(workdir, False, stream_delay)
    return VerifyResult(on=on, off=off)


def verify_rows(r: VerifyResult) -> list[Row]:
    on, off = r.on, r.off
    return [
        (
            f"5. Answer-key checks: {QUESTIONS} questions, 4 planted",
            "2 wrong keys, 1 near-duplicate, 1 in another language",
            "",
            "",
        ),
        (
            "   caught (left out, chat told)",
            f"{r.caught} ({len(on.notices)} notices)",
            "4",
            mark(r.caught == 4 and not r.planted_posted),
        ),
        ("   posted", str(len(on.polls)), "6", mark(len(on.polls) == QUESTIONS - 4)),
        (
            "   /quiz -> first sendPoll, QUIZ_VERIFY on / off",
            f"{on.first_poll_at:.2f} s / {off.first_poll_at:.2f} s",
            "one solve call",
            "",
        ),
        (
            "   solve calls, their tokens (fake usage)",
            f"{on.solves} calls, {on.solve_tokens} tokens (writer: {on.writer_tokens})",
            "",
            "",
        ),
    ]
