"""Small facts about a quiz that several stages need."""

from __future__ import annotations

from telegram.constants import ChatType

from engine import QuizRequest
from services import documents, learning, local_library
from services.context import Services
from services.quiz import verify
from storage import QuizRow


def is_group(quiz: QuizRow) -> bool:
    return quiz.chat_type in (ChatType.GROUP, ChatType.SUPERGROUP)


def is_private(quiz: QuizRow) -> bool:
    return quiz.chat_type == ChatType.PRIVATE


def deadline_job_name(quiz_id: int) -> str:
    return f"deadline:{quiz_id}"


def live_job_name(quiz_id: int) -> str:
    return f"live:{quiz_id}"


def disarm_deadline(svc: Services, quiz_id: int) -> None:
    """The quiz's timers go with it: a group's deadline, a live game's next step."""
    if svc.jobs is None:
        return
    for name in (deadline_job_name(quiz_id), live_job_name(quiz_id)):
        for job in svc.jobs.get_jobs_by_name(name):
            job.schedule_removal()


async def model_request(svc: Services, quiz: QuizRow) -> QuizRequest:
    """What the model is told about the quiz, each time it is asked something about it."""
    stores = await documents.quiz_stores(svc, quiz.chat_id)
    return QuizRequest(
        topic=quiz.topic,
        num_questions=quiz.num_questions,
        vector_store_ids=stores,
        group=is_group(quiz),
        chat_id=quiz.chat_id,
        user_id=quiz.starter_id,
        review_of=await learning.review_request(svc, quiz),  # learning hook (issue 14)
        language=await verify.quiz_language(svc, quiz),  # verify (issue 19)
        # Documents indexed here travel in the request (the same chunks every time).
        passages=await local_library.passages(svc, quiz.chat_id, quiz.topic, quiz.num_questions),
    )
