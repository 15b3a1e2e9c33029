"""English: starting a quiz, /help, playing and closing it."""

from __future__ import annotations

TEXTS: dict[str, str | dict[str, str]] = {
    "start": (
        "👋 <b>StudyQuiz</b> writes multiple-choice quizzes for you and your study group.\n\n"
        "Try <code>/quiz 5 photosynthesis</code>: I write 5 questions, you answer them, "
        "and I explain what you got right and wrong.\n\nSee /help for everything else."
    ),
    "help": (
        "<b>How StudyQuiz works</b>\n\n"
        "<code>/quiz [N] topic</code> — a quiz of N questions (default {default}, at most "
        "{max}) on the topic, in the language you write in.\n{checks}"
        "/stop — end the running quiz now and get the feedback.\n"
        "<code>/lang ko|en|auto</code> — the language I speak in this chat.\n"
        "<code>/style poll|keyboard</code> — how questions are shown in this chat.\n"
        "/docs, <code>/forget N|all</code> — this chat's documents. Send me a PDF, Word, "
        "PowerPoint, text or Markdown file and /quiz asks about it, with quotes as sources "
        "(in groups: mention me in the caption). A /quiz sent while the file is still being "
        "indexed starts by itself when it is ready.\n"
        "Send a photo (or an album) of a textbook page, a whiteboard or your notes: the model "
        "writes down its text, which joins this chat's documents. A caption "
        "<code>/quiz 3</code> (or just <code>3</code>) starts a quiz on it at once.\n{where}"
        "In a private chat you can also just write me a topic and tap <i>Quiz me on this</i>."
        "\n\n"
        "<b>Answering</b>\n"
        "• <i>poll</i> style: Telegram quiz polls. Telegram shows right or wrong as soon as "
        "you tap.\n"
        "• <i>keyboard</i> style: a message with buttons; the right answers stay hidden until "
        "the quiz ends (exam style). Questions too long for a poll are always shown this way.\n"
        "• Your first answer to a question counts and cannot be changed.\n\n"
        "<b>In groups</b>\n"
        "Everyone can answer. The quiz ends when every member has answered, when time is up "
        "(<code>/timelimit</code>, admins), or when its starter or an admin sends /stop; then "
        "I post the leaderboard. The time limit counts from when the quiz opens; questions "
        "posted in the last seconds close with the quiz. Admins choose who may start quizzes with "
        "<code>/starters anyone|admins</code>. In a forum each topic has its own quiz and "
        "its own pause between quizzes. "
        "<code>/exam on</code> (admins) is exam mode: nobody sees how the others voted until "
        "the quiz ends.\n"
        "A quiz that could not be written (the model failed) costs you nothing: no pause, and "
        "it does not count towards the day's quizzes.\n\n"
        "When you have answered every question (or someone runs /stop), I send your answers "
        "to the model and post its feedback: the right answer, why, and the source.\n\n"
        "<b>Live games</b>\n"
        "<code>/live [N] topic</code> — one question at a time, everyone at once, with "
        "Telegram's countdown (<code>/seconds 10…300</code>, admins). The next question comes "
        "when time is up or when every member has answered. A right answer scores 500 to 1000 "
        "points, more the faster; each right answer in a row adds 100 more (up to +500); a "
        "wrong or missing one scores 0 and ends the streak. Your time runs from when I send "
        "the question until your answer reaches me (Telegram does not tell me when you "
        "tapped). The standings are updated after each question; same points: less time "
        "ranks higher. <code>/mode live|all</code> sets what /quiz plays here. In a private "
        "chat /live is a timed solo run.\n\n"
        "<b>Learning</b>\n"
        "Every question you answer becomes a study card; your mistakes come back, spaced in "
        "time, as fresh questions on the same fact.\n"
        "/review — a quiz of your cards that are due (in private).\n"
        "/stats — a chart of your accuracy and of the cards coming due.\n"
        "<code>/remind 19:00 [zone]</code>, <code>/remind off</code> — a daily reminder when "
        "cards are due.\n\n"
        "/forgetme deletes everything I keep about you, once you confirm."
    ),
    "help_verify": (
        "Before a question is posted, a second, independent model call answers it without "
        "seeing its answer key; a question whose answer cannot be confirmed, that is not in "
        "the topic's language or that repeats another is rewritten once, then left out (I say "
        "how many). This costs one short call per question.\n"
    ),
    "quiz_usage": ("Tell me what the quiz is about, e.g. <code>/quiz 5 photosynthesis</code>."),
    "clamped": "I write {low} to {high} questions per quiz, so this one has {n}.",
    "generating": {
        "one": "✍️ Writing {n} question on <b>{topic}</b>…",
        "other": "✍️ Writing {n} questions on <b>{topic}</b>…",
    },
    "quiz_ready": {
        "one": "📝 <b>{title}</b> — {n} question. Answer below.",
        "other": "📝 <b>{title}</b> — {n} questions. Answer below.",
    },
    "already_open": "A quiz is already running here. Answer it, or end it with /stop.",
    "no_quiz": "No quiz is running here. Start one with <code>/quiz 5 topic</code>.",
    "stop_not_allowed": "Only the person who started this quiz or a chat admin can stop it.",
    "cancelled": "The quiz that was being written is cancelled.",
    "invalid_quiz": (
        "Sorry, the model wrote a quiz I could not use, even after a second try. "
        "Please try /quiz again, perhaps with a more specific topic."
    ),
    "model_wrote_no_quiz": (
        "The model answered, but not with a quiz I can use, even when asked a second time. "
        "Please try /quiz again; a larger model writes quizzes more reliably."
    ),
    "openai_unavailable": (
        "The quiz service is not answering right now. Please try again in a minute."
    ),
    "openai_rejected": (
        "The quiz service refused the request. Please try again; if it keeps failing, "
        "tell the bot's operator."
    ),
    "feedback_failed": (
        "Your answers are saved, but I could not get the feedback just now. "
        "Tap <b>Try again</b> in a moment."
    ),
    "try_again": "🔁 Try again",
    "cancel_quiz": "✖ Cancel quiz",
    "feedback_gave_up": (
        "I could not get the feedback after {n} tries, so this quiz is closed without it. "
        "Start a new one with /quiz whenever you like."
    ),
    "stuck_quiz_cancelled": (
        "The quiz is cancelled without feedback. Start a new one with /quiz whenever you like."
    ),
    "cancel_not_allowed": "Only the starter or an admin can cancel the quiz",
    "not_a_participant": "Only members of this chat can answer this quiz",
    "answer_saved": "Answer saved",
    "already_answered": "You already answered this question",
    "quiz_closed": "This quiz is closed",
    "invalid_button": "This button is not valid any more",
    "sources": "Sources",
    "style_set": "Quizzes in this chat are now shown as: <b>{style}</b>.",
    "style_usage": "Use <code>/style poll</code> or <code>/style keyboard</code>. Now: {style}.",
    "interrupted": (
        "The quiz that was being written was interrupted by a restart. "
        "Please start it again with /quiz."
    ),
    "group_rules": "Everyone can answer. The quiz ends when all members have answered, when time is up ({time}), or when its starter or an admin taps Finish or sends /stop.",
    "finish_button": "⏹ Finish quiz",
    "results_header": "🏁 Results — {title}",
    "no_answers": "Nobody answered.",
    "finish_not_allowed": "Only the starter or an admin can finish the quiz",
    "time_limit_set": "Group quizzes in this chat now end after {time}.",
    "time_limit_usage": "Use <code>/timelimit SECONDS</code> (from {low} to {high}). Now: {time}.",
    "admins_only": "Only chat admins can change this.",
    "more_players": "… and {n} more",
    "verify_unconfirmed": {
        "one": "{n} question was left out: its answer could not be confirmed.",
        "other": "{n} questions were left out: their answers could not be confirmed.",
    },
    "verify_unfit": {
        "one": "{n} question was left out: it repeated another or was not in the topic's language.",
        "other": (
            "{n} questions were left out: they repeated others or were not in the topic's language."
        ),
    },
    "questions_dropped": {
        "one": "Not every question came out right, so this quiz has {n} question instead of {asked}.",
        "other": "Not every question came out right, so this quiz has {n} questions instead of {asked}.",
    },
    "internal_error": "Something went wrong on my side. Please try again.",
}
