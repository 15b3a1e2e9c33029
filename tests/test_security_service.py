"""services.security.Security over real stores: refusals once, /usage on the clock's day,
/forgetme reaching what learning keeps."""

from __future__ import annotations

from services.daily import DAY
from services.security import Security
from storage import Repository

NOW = 100 * DAY + 3600.0


def security(repo: Repository, forgotten: list[int], now: float = NOW) -> Security:
    async def forget_learning(user_id: int) -> int:
        # What learning keeps is Learning's to forget; here only that it is asked to.
        forgotten.append(user_id)
        return 0

    return Security(
        security=repo.security,
        quizzes=repo.quizzes,
        usage=repo.usage,
        library=repo.library,
        forget_learning=forget_learning,
        clock=lambda: now,
        operators=frozenset({7}),
        daily_token_budget=1000,
    )


async def test_a_chat_is_told_once_that_it_is_refused(open_repo: Repository) -> None:
    s = security(open_repo, [])
    assert await s.note_refusal(1)
    assert not await s.note_refusal(1)
    assert await s.note_refusal(2)


async def test_usage_counts_the_clock_s_day_and_only_operators_read_it(
    open_repo: Repository,
) -> None:
    await open_repo.usage.record_usage(1, 5, 40, NOW - 7200)  # yesterday (UTC)
    await open_repo.usage.record_usage(1, 5, 30, NOW - 60)
    s = security(open_repo, [])
    report = await s.usage_today()
    assert (report.tokens, report.top_chats) == (30, [(1, 30)])
    assert (s.is_operator(7), s.is_operator(5), s.daily_token_budget) == (True, False, 1000)


async def test_forgetting_someone_asks_learning_to_forget_them_too(open_repo: Repository) -> None:
    forgotten: list[int] = []
    assert await security(open_repo, forgotten).forget_user(5) == 0
    assert forgotten == [5]
