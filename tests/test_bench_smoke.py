"""`python -m bench` at smoke sizes, so the benchmark cannot rot.

Only that each part runs and every answer arrives is checked; speed targets live in the
benchmark's printed table, never here (a loaded CI machine would make them flaky).
"""

from __future__ import annotations

from pathlib import Path

from bench.__main__ import ingest_rows, memory_rows, pacing_rows, table, ttfq_rows
from bench.scenarios import SMOKE, group_pacing, ingest, memory, time_to_first_question


async def test_ingest_every_answer_arrives(tmp_path: Path) -> None:
    result = await ingest(SMOKE, tmp_path)
    expected = SMOKE.members * SMOKE.questions
    assert result.stored == [expected]
    assert [r.answers for r in result.ours] == [expected]
    assert [r.answers for r in result.bare] == [expected]
    assert all(len(r.latencies) == expected for r in [*result.ours, *result.bare])
    assert result.quiz_finished
    assert "Ingest" in table(ingest_rows(result))


async def test_time_to_first_question_runs(tmp_path: Path) -> None:
    result = await time_to_first_question(SMOKE, tmp_path)
    assert result.polls == SMOKE.ttfq_questions
    # The order of the events, not their speed: speed is the bench's (and on a shared
    # machine the smoke run's start-up alone can take a second).
    assert 0 < result.first_json_at <= result.first_poll_at <= result.last_poll_at
    assert "first sendPoll" in table(ttfq_rows(result))


async def test_memory_with_open_quizzes_runs(tmp_path: Path) -> None:
    result = await memory(SMOKE, tmp_path)
    assert result.answered == SMOKE.open_quizzes
    assert result.peak_rss_kib > 0
    assert "open quizzes" in table(memory_rows(result))


async def test_group_pacing_reaches_feedback(tmp_path: Path) -> None:
    result = await group_pacing(SMOKE, tmp_path)
    assert result.methods["sendPoll"] >= SMOKE.pacing_questions
    assert result.seconds > 0
    assert "429" in table(pacing_rows(result, SMOKE.pacing_window_scale))


async def test_verification_catches_the_four_planted_questions(tmp_path: Path) -> None:
    from bench.__main__ import verify_rows
    from bench.verify_scenario import verification

    result = await verification(tmp_path)
    assert result.caught == 4 and result.planted_posted == []
    assert len(result.on.polls) == 6 and len(result.off.polls) == 10
    assert result.on.solve_tokens > 0 and result.off.solves == 0
    assert "Answer-key checks" in table(verify_rows(result))


async def test_stats_of_a_seeded_learner_is_sent_and_the_due_query_is_indexed(
    tmp_path: Path,
) -> None:
    from bench.learning_scenario import stats_rows, stats_timing

    result = await stats_timing(tmp_path, answers=200, repeats=1)
    assert result.png_ok and "answers: 200" in result.caption
    assert result.indexed, result.plan
    assert len(result.later) == 1
    assert "/stats" in table(stats_rows(result))


async def test_live_game_moves_on_when_all_answered_and_reaches_the_podium(
    tmp_path: Path,
) -> None:
    from bench.live_scenario import SMOKE_LIVE, live_game, live_rows

    result = await live_game(tmp_path, SMOKE_LIVE)
    assert len(result.gaps) == SMOKE_LIVE.questions - 1
    # Early moves: far sooner than the 10 s countdown, whatever the machine's load.
    assert result.worst_gap < 8
    assert result.methods["sendPoll"] == SMOKE_LIVE.questions
    assert "429" in table(live_rows(result))


async def test_feedback_drafts_grow_in_private_and_not_in_a_group(tmp_path: Path) -> None:
    from bench.drafts_scenario import SMOKE_DRAFTS, drafts, drafts_rows

    result = await drafts(tmp_path, SMOKE_DRAFTS)
    assert result.private.drafts and result.group.drafts == []
    assert result.private.draft_lengths == sorted(result.private.draft_lengths)
    assert result.private.first_draft < result.private.final
    assert "first draft" in table(drafts_rows(result))


async def test_library_indexes_a_pdf_and_retrieves(tmp_path: Path) -> None:
    from bench.library_scenario import library_part

    rows = await library_part(tmp_path, smoke=True)
    assert rows[0][0].startswith("Library: index a 20-page PDF")
    assert "chunks" in rows[0][1] and "MiB" in rows[1][1] and "ms" in rows[3][1]


async def test_flood_part_measures_both_first_questions(tmp_path: Path) -> None:
    from bench.flood_scenario import flood, flood_rows

    result = await flood(tmp_path)
    assert result.notices == 1
    assert result.quiet_first_poll > 0 and result.flooded_first_poll > 0
    assert "Flood" in table(flood_rows(result))


async def test_burst_stores_every_answer_once_before_the_submission(tmp_path: Path) -> None:
    from bench.burst_scenario import SMOKE_BURST, burst, burst_rows

    rounds = await burst(SMOKE_BURST, tmp_path)
    expected = SMOKE_BURST.members * SMOKE_BURST.questions
    assert [r.stored for r in rounds] == [expected]
    assert all(0 < r.committed <= r.ours and r.bare > 0 for r in rounds)
    assert "push -> submission" in table(burst_rows(rounds, SMOKE_BURST))


async def test_big_group_commits_every_answer_as_they_arrive(tmp_path: Path) -> None:
    from bench.burst_scenario import SMOKE_BURST, big_group, big_rows

    result = await big_group(SMOKE_BURST, tmp_path)
    assert result.stored == result.answers == SMOKE_BURST.big_members * 5
    assert len(result.latencies) == result.answers and result.peak_rss_kib > 0
    assert "Big group" in table(big_rows(result, SMOKE_BURST.big_seconds))


async def test_memory_with_the_defaults_after_a_quiz_and_stats(tmp_path: Path) -> None:
    from bench.footprint_scenario import footprint, footprint_rows

    result = await footprint(tmp_path, settle=0.5, bare=False)
    assert result.stats_sent and result.peak_kib >= result.later_kib > 0
    assert "defaults" in table(footprint_rows(result))


async def test_fleet_part_commits_the_burst_through_webhooks(tmp_path: Path) -> None:
    from bench.fleet_scenario import SETUPS, fleet, fleet_rows

    [run] = await fleet(SMOKE, tmp_path, setups=SETUPS[:1])
    assert run.error is None and run.stored == SMOKE.members * SMOKE.questions
    assert len(run.latencies) == run.stored and run.bot_cpu_seconds > 0 and run.finished
    assert "via webhooks" in table(fleet_rows([run]))


async def test_fleet_part_prints_the_three_setups_side_by_side(
    tmp_path: Path, pg_server_url: str
) -> None:
    from bench.fleet_scenario import fleet, fleet_rows

    runs = await fleet(SMOKE, tmp_path, server_url=pg_server_url)
    assert [r.error for r in runs] == [None, None, None]
    assert [r.stored for r in runs] == [SMOKE.members * SMOKE.questions] * 3
    assert all(r.finished for r in runs)
    assert "2 workers, PostgreSQL" in table(fleet_rows(runs))
