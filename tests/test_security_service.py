"""services.security.Security over real stores: refusals once, /usage on the clock's day,
/forgetme reaching what learning keeps."""

from __future__ import annotations

from services.daily import DAY
from services.security import Security
from storage import Repository

NOW = 100 * DAY + 3600.0


def security(
    repo: Repository,
    forgotten: list[int],
    *,
    chats: frozenset[int] = frozenset(),
    users: frozenset[int] = frozenset(),
) -> Security:
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
        clock=lambda: NOW,
        allowed_chats=chats,
        allowed_users=users,
        operators=frozenset({7}),
        daily_token_budget=1000,
    )


async def test_the_allow_lists_admit_a_chat_s_members_and_a_user_anywhere(
    open_repo: Repository,
) -> None:
    assert security(open_repo, []).is_allowed(None, None)  # no lists: open
    s = security(open_repo, [], chats=frozenset({-100}), users=frozenset({5}))
    assert s.is_allowed(-100, 9) and s.is_allowed(-200, 5) and s.is_allowed(None, 5)
    # An operator too; anyone else anywhere else, and a chat's member elsewhere, not.
    assert s.is_allowed(-200, 7)
    assert not s.is_allowed(-200, 9) and not s.is_allowed(9, 9) and not s.is_allowed(None, None)
    # Only operators among users: the bot is still open (the lists decide, not ADMIN_USER_IDS).
    assert security(open_repo, []).is_allowed(-200, 9)


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
