"""English texts. HTML where Telegram shows them with parse_mode=HTML (marked `html`)."""

TEXTS: dict[str, str] = {
    "start": (
        "👋 <b>StudyQuiz</b> writes multiple-choice quizzes for you and your study group.\n\n"
        "Try <code>/quiz 5 photosynthesis</code>: I write 5 questions, you answer them, "
        "and I explain what you got right and wrong.\n\nSee /help for everything else."
    ),
    "help": (
        "<b>How StudyQuiz works</b>\n\n"
        "<code>/quiz [N] topic</code> — a quiz of N questions (default {default}, at most "
        "{max}) on the topic, in the language you write in.\n"
        "/stop — end the running quiz now and get the feedback.\n"
        "<code>/style poll|keyboard</code> — how questions are shown in this chat.\n\n"
        "<b>Answering</b>\n"
        "• <i>poll</i> style: Telegram quiz polls. Telegram shows right or wrong as soon as "
        "you tap.\n"
        "• <i>keyboard</i> style: a message with buttons; the right answers stay hidden until "
        "the quiz ends (exam style). Questions too long for a poll are always shown this way.\n"
        "• Your first answer to a question counts and cannot be changed.\n\n"
        "When you have answered every question (or someone runs /stop), I send your answers "
        "to the model and post its feedback: the right answer, why, and the source."
    ),
    "quiz_usage": ("Tell me what the quiz is about, e.g. <code>/quiz 5 photosynthesis</code>."),
    "clamped": "I write {low} to {high} questions per quiz, so this one has {n}.",
    "generating": "✍️ Writing {n} questions on <b>{topic}</b>…",
    "quiz_ready": "📝 <b>{title}</b> — {n} questions. Answer below.",
    "already_open": "A quiz is already running here. Answer it, or end it with /stop.",
    "no_quiz": "No quiz is running here. Start one with <code>/quiz 5 topic</code>.",
    "stop_not_allowed": "Only the person who started this quiz or a chat admin can stop it.",
    "cancelled": "The quiz that was being written is cancelled.",
    "stopping": "⏹ Quiz ended. Getting the feedback…",
    "invalid_quiz": (
        "Sorry, the model wrote a quiz I could not use, even after a second try. "
        "Please try /quiz again, perhaps with a more specific topic."
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
    "internal_error": "Something went wrong on my side. Please try again.",
}
