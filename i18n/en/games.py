"""English: live games, exam mode and a chat's way of playing."""

from __future__ import annotations

TEXTS: dict[str, str | dict[str, str]] = {
    "live_rules": "⏱ Live game: one question at a time, {seconds} s each. Fast right answers score more; the standings follow each question.",
    "live_countdown": "⏱ {seconds} s to answer.",
    "live_standings": "📊 Standings after question {k}/{n}",
    "exam_usage": "Exam mode here: <b>{state}</b>. Admins: <code>/exam on</code> hides how the others voted until the quiz ends; <code>/exam off</code> shows each poll's votes as people answer.",
    "exam_state_on": "on",
    "exam_state_off": "off",
    "exam_on": "Exam mode is on: from the next quiz, nobody sees how the others voted until the quiz ends.",
    "exam_off": "Exam mode is off: from the next quiz, each poll shows the votes as people answer.",
    "exam_private": "Exam mode is for groups: in a private chat nobody else votes.",
    "cmd_exam": "Exam mode: hide votes until the end (admins)",
    "mode_usage": "Use <code>/mode live</code> (one question at a time, against the clock) or <code>/mode all</code> (every question at once). Now: <b>{mode}</b>.",
    "mode_set": "/quiz in this chat now plays <b>{mode}</b>.",
    "seconds_usage": "Use <code>/seconds SECONDS</code> (from {low} to {high}) for a live game's time per question. Now: {seconds} s.",
    "seconds_set": "Live games in this chat now give {seconds} s per question.",
    "cmd_live": "Live game: /live [N] topic",
    "cmd_mode": "What /quiz plays here: live or all (admins)",
    "cmd_seconds": "Seconds per live question (admins)",
}
