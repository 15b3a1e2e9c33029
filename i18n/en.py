"""English texts. HTML where Telegram shows them with parse_mode=HTML (marked `html`)."""

# A text with a count holds its CLDR plural forms (English: "one", "other"); see i18n.tr.
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
    # newcomers: plain text, unknown commands, joining a group
    "plain_text_hint": "I make quizzes. Tap below for a quiz on what you wrote, or send <code>/quiz 5 topic</code>. /help explains the rest.",
    "topic_offer_button": "📝 Quiz me on this",
    "topic_offer_gone": "This offer has expired; send the topic again.",
    "unknown_command": "I don't know {command}. /help lists what I can do.",
    "group_intro": (
        "👋 Hi, I'm <b>StudyQuiz</b>. I write multiple-choice quizzes for this group and explain the answers afterwards.\n\n"
        "Start one with <code>/quiz 5 topic</code>, or send me a document (mention me in the caption) and then /quiz.\n"
        "Who may start quizzes here: <b>{who}</b> (admins change it with /starters).\n"
        "Answers are not anonymous: I see who answered what, to score the quiz and explain it. /help tells more."
    ),
    # a /quiz waiting for documents
    "doc_quiz_waiting": "⏳ This chat's document is still being indexed. Your quiz starts by itself as soon as it is ready.",
    "doc_quiz_already_waiting": "⏳ A quiz is already waiting for this chat's document; it starts as soon as the document is ready.",
    "doc_quiz_not_ready": "⏳ The document is still not indexed after {seconds} s, so the quiz did not start. /docs shows when it is ready; then send /quiz again.",
    "doc_quiz_no_document": "The document could not be added, so the quiz did not start. Send <code>/quiz 5 topic</code> for a quiz without it.",
    "doc_quiz_still_indexing": "⏳ This chat's document is still being indexed. /docs shows when it is ready; then send /quiz again.",
    "doc_quiz_interrupted": "I restarted while your document was being indexed, and it is not ready yet, so the quiz did not start. /docs shows when it is ready; then send /quiz again.",
    # menus and languages
    "language_name": "English",
    "cmd_quiz": "Quiz me: /quiz [N] topic",
    "cmd_stop": "End the running quiz and get feedback",
    "cmd_style": "Polls or buttons for this chat",
    "cmd_timelimit": "How long group quizzes run (admins)",
    "cmd_lang": "The bot's language in this chat",
    "cmd_help": "How StudyQuiz works",
    "start_sample_button": "📝 Try a sample quiz",
    "start_help_button": "❓ Help",
    "start_style_button": "🎛 Quiz style",
    "start_lang_button": "🌐 Language",
    "sample_topic": "photosynthesis",
    "lang_usage": "Use <code>/lang {choices}</code>, or <code>/lang auto</code> to follow each person's Telegram language. Now: {language}.",
    "lang_auto_name": "each person's Telegram language",
    "lang_set": "I'll speak English in this chat.",
    "lang_auto_set": "I'll follow each person's Telegram language in this chat.",
    # documents
    "help_docs_local": "Files are read and searched on this bot's server; only the passages a quiz is written from go to the model. Photos go to the model to be read.\n",
    "help_docs_openai": "Files are stored and searched at the model's provider (OpenAI's vector stores) until you /forget them. Photos go to the model to be read.\n",
    "doc_indexing_here": "🔎 Reading <b>{name}</b> and indexing it here; long files take a minute…",
    "doc_scanned": "❌ <b>{name}</b> is a scan: its pages are pictures with no text in them, so I can't search it. Send photos of the pages you want quizzes on instead (up to 10 at a time, as an album).",
    "doc_no_text": "❌ I found no text in <b>{name}</b>, so there is nothing to make quizzes from.",
    "doc_unreadable": "❌ I could not read <b>{name}</b>: the file looks damaged or protected. Please send another copy.",
    "doc_extract_timeout": "❌ Reading <b>{name}</b> took too long, so I stopped. A smaller file (or only the chapters you need) will work.",
    "doc_unsupported_here": "I can't read <b>{name}</b> here. Send it as PDF, DOCX, PPTX, text, Markdown or HTML.",
    "photo_no_vision": "❌ This model server cannot read pictures, so I can't use <b>{name}</b>. Send the text as a file instead.",
    "photo_no_text": "❌ I could not find any text in <b>{name}</b>. A sharper photo, straight on and in good light, usually works.",
    "photo_failed": "❌ I could not read <b>{name}</b> just now. Please send it again in a minute.",
    "photo_name": "Photo, {date}",
    "photo_page": "{name}, page {page}",
    "doc_no_search": "This model server cannot search documents (it has no files or vector stores API), so I can't make quizzes from them here. <code>/quiz 5 topic</code> still works.",
    "doc_unsupported": "I can't make quizzes from <b>{name}</b>: its type is not searchable. Send one of: {types}.",
    "doc_too_big": "<b>{name}</b> is too big ({size}); the most I can take is {limit}.",
    "doc_limit_user_documents": {
        "one": "<b>{name}</b> not added: you have reached today's limit of {limit} document. It resets at midnight UTC (in {h} h {m} min).",
        "other": "<b>{name}</b> not added: you have reached today's limit of {limit} documents. It resets at midnight UTC (in {h} h {m} min).",
    },
    "doc_limit_chat_documents": {
        "one": "<b>{name}</b> not added: this chat has reached today's limit of {limit} document. It resets at midnight UTC (in {h} h {m} min).",
        "other": "<b>{name}</b> not added: this chat has reached today's limit of {limit} documents. It resets at midnight UTC (in {h} h {m} min).",
    },
    "doc_limit_user_bytes": "<b>{name}</b> not added: it would take you past today's limit of {limit} of documents. It resets at midnight UTC (in {h} h {m} min).",
    "doc_limit_chat_bytes": "<b>{name}</b> not added: it would take this chat past today's limit of {limit} of documents. It resets at midnight UTC (in {h} h {m} min).",
    "doc_limit_library": {
        "one": "<b>{name}</b> not added: this chat's library is full ({limit} document). <code>/forget N</code> makes room.",
        "other": "<b>{name}</b> not added: this chat's library is full ({limit} documents). <code>/forget N</code> makes room.",
    },
    "doc_downloading": "📥 Getting <b>{name}</b> ({size}) from Telegram…",
    "doc_uploading": "📤 Storing <b>{name}</b> ({size}) for search…",
    "doc_indexing": "🔎 Indexing <b>{name}</b>; large files take a minute…",
    "doc_ready": "✅ <b>{name}</b> ({size}) is ready. Send /quiz for a quiz on this chat's documents, or <code>/quiz 5 topic</code> to narrow it down. /docs lists them.",
    "doc_still_processing": "⏳ <b>{name}</b> is still being indexed. /docs shows when it is ready.",
    "doc_failed": "❌ <b>{name}</b> could not be indexed: {reason}",
    "doc_download_failed": "I could not get <b>{name}</b> from Telegram. Please send it again.",
    "doc_openai_failed": "I could not store <b>{name}</b> for search just now. Please send it again in a minute.",
    "docs_empty": "This chat has no documents yet. Send me a file ({types}) and /quiz will ask about it. In groups, mention me in the caption or reply to me.",
    "docs_header": "📚 <b>This chat's documents</b>",
    "docs_footer": "<code>/forget N</code> removes one, <code>/forget all</code> removes them all.",
    "doc_state_downloading": "downloading",
    "doc_state_uploading": "uploading",
    "doc_state_processing": "indexing",
    "doc_state_ready": "ready",
    "doc_state_failed": "failed",
    "forget_usage": "Use <code>/forget N</code> (the number in /docs) or <code>/forget all</code>.",
    "forget_done": "🗑 Removed: {names}.",
    "forget_not_allowed": {
        "one": "{n} document kept: only the member who added a document or a chat admin can remove it.",
        "other": "{n} documents kept: only the member who added a document or a chat admin can remove it.",
    },
    "doc_busy": "Still being added, try again in a moment: {names}.",
    "quotes_header": "Quotes from the documents",
    # access, limits and privacy
    "access_denied": "Sorry, this bot is private: it only works in chats its operator has allowed. If you should have access, give the operator these ids: chat <code>{chat_id}</code>, user <code>{user_id}</code>.",
    "access_denied_short": "This bot is not available here",
    "starters_admins_only": "Only chat admins can start quizzes in this group. An admin can allow everyone with <code>/starters anyone</code>.",
    "command_flood_user": "Too many commands, {name}: I'll ignore yours for about {seconds} s.",
    "command_flood_chat": "Too many commands in this chat: I'll ignore them for about {seconds} s.",
    "cooldown": "Please wait {seconds} s before starting another quiz here.",
    "limit_user_quizzes": {
        "one": "You have reached today's limit of {limit} quiz. It resets at midnight UTC (in {h} h {m} min).",
        "other": "You have reached today's limit of {limit} quizzes. It resets at midnight UTC (in {h} h {m} min).",
    },
    "limit_chat_quizzes": {
        "one": "This chat has reached today's limit of {limit} quiz. It resets at midnight UTC (in {h} h {m} min).",
        "other": "This chat has reached today's limit of {limit} quizzes. It resets at midnight UTC (in {h} h {m} min).",
    },
    "limit_user_tokens": {
        "one": "You have used today's model allowance of {limit} token. It resets at midnight UTC (in {h} h {m} min).",
        "other": "You have used today's model allowance of {limit} tokens. It resets at midnight UTC (in {h} h {m} min).",
    },
    "limit_chat_tokens": {
        "one": "This chat has used today's model allowance of {limit} token. It resets at midnight UTC (in {h} h {m} min).",
        "other": "This chat has used today's model allowance of {limit} tokens. It resets at midnight UTC (in {h} h {m} min).",
    },
    "limit_user_running": {
        "one": "You already have {limit} quiz being written or open. Finish it, or end it with /stop, before you start another.",
        "other": "You already have {limit} quizzes being written or open. Finish one, or end it with /stop, before you start another.",
    },
    "limit_budget": {
        "one": "The bot has used its whole model budget for today ({limit} token). It resets at midnight UTC (in {h} h {m} min).",
        "other": "The bot has used its whole model budget for today ({limit} tokens). It resets at midnight UTC (in {h} h {m} min).",
    },
    "starters_usage": "Quizzes here can be started by: <b>{who}</b>. Admins change it with <code>/starters anyone</code> or <code>/starters admins</code>.",
    "starters_set": "From now on quizzes here can be started by: <b>{who}</b>.",
    "starters_anyone": "everyone",
    "starters_admins": "chat admins only",
    "starters_private": "In a private chat only you start quizzes; /starters is for groups.",
    "usage_operator_only": "This command is for the bot's operators.",
    "usage_private_only": "The usage report names chats and people: ask me with /usage in a private chat.",
    "usage_report": "📊 <b>Usage today (UTC)</b>\nQuizzes: {quizzes}\nTokens: {tokens} of {budget}",
    "usage_no_limit": "no limit",
    "usage_top_chats": "<b>Top chats</b> (tokens)",
    "usage_top_users": "<b>Top users</b> (tokens)",
    "forgetme_done": {
        "one": "Done: I deleted your name, your {n} stored answer, your study cards and reminders, your waiting quizzes and offered topics, your private quizzes' topics and questions, the feedback that named you, and your name on documents you added. Results already posted in chats stay there; documents stay until removed with /forget.",
        "other": "Done: I deleted your name, your {n} stored answers, your study cards and reminders, your waiting quizzes and offered topics, your private quizzes' topics and questions, the feedback that named you, and your name on documents you added. Results already posted in chats stay there; documents stay until removed with /forget.",
    },
    "forgetme_confirm": "🗑 <b>Delete everything I keep about you?</b>\nYour name, answers, study cards, reminders, waiting quizzes and offered topics, your private quizzes' topics and questions, the feedback that named you, and your name on documents you added. Results already posted in chats stay there. This cannot be undone.",
    "forgetme_button": "🗑 Delete everything",
    "forgetme_keep_button": "Keep my data",
    "forgetme_kept": "Nothing was deleted.",
    "forgetme_not_yours": "Only the person who asked can answer this.",
    "forgetme_in_private": "What I keep about you is between us: tap below to open our private chat and confirm there.",
    "forgetme_private_button": "🔒 Open the private chat",
    "cmd_forgetme": "Delete your answers, name and study cards",
    "cmd_starters": "Who may start quizzes here (admins)",
    "cmd_review": "Review my due cards, written afresh",
    "cmd_stats": "My learning at a glance (chart)",
    "cmd_remind": "Daily review reminder: /remind 19:00 [zone]",
    "review_topic": "review",
    "review_button": "🔁 Review my mistakes ({n})",
    "review_button_group": "🔁 Review my mistakes",
    "review_offer": {
        "one": "{n} card is due for review: your mistakes come back as new questions.",
        "other": "{n} cards are due for review: your mistakes come back as new questions.",
    },
    "review_offer_group": "{n} of you missed something. Review your mistakes with me in private: the same facts, asked afresh.",
    "review_in_private": "Reviews are personal: tap the button to open your review in a private chat with me.",
    "review_no_cards": "Every question you answer becomes a study card: your mistakes come back as fresh questions, spaced in time. You have no cards yet: start with <code>/quiz 5 topic</code>.",
    "review_nothing_due": "Nothing is due right now. Your next card is due {when} ({zone}).",
    "due_today": "today at {time}",
    "due_tomorrow": "tomorrow at {time}",
    "due_on": "on {date} at {time}",
    "review_weakest": "Meanwhile, a fresh quiz on your weakest topic: {topic}?",
    "weakest_button": "📝 Quiz my weakest topic",
    "reminder": {
        "one": "⏰ {n} card is due for review today.",
        "other": "⏰ {n} cards are due for review today.",
    },
    "remind_usage": "Usage: <code>/remind 19:00 [zone]</code>, zone as a name (<code>Asia/Seoul</code>) or an offset (<code>+09:00</code>); <code>/remind off</code> stops the reminders. At most one a day, only when cards are due.",
    "remind_set": "I'll remind you at {time} ({zone}) on days when cards are due.",
    "remind_off": "Reminders are off.",
    "remind_private": "Reminders are personal: send /remind to me in a private chat.",
    "stats_chart_accuracy": "Accuracy, last 30 days (%)",
    "stats_chart_due": "Cards due, next 14 days",
    "stats_person": "📊 Quizzes: {quizzes} · answers: {answers} · right: {accuracy}%. Study-day streak: {streak}. Due today: {today}, this week: {week}.",
    "stats_weakest": "Weakest topics: {topics}",
    "stats_group_header": "📊 This week in this chat",
    "list_more": {"one": "…and {n} more", "other": "…and {n} more"},
    "stats_nothing": "📊 Nothing to show yet: answer a /quiz and your accuracy and the cards coming due appear here.",
    "stats_group_empty": "No answers this week yet.",
    "stats_most_active": "Most active: {name} ({n} answers)",
    "stats_most_accurate": "Most accurate: {name} ({pct}%)",
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
    "lib_share_button": "🔗 Share (#{number} in /myquizzes)",
    "lib_board_header": "🏆 <b>{title}</b>: best score and time of each taker",
    "lib_board_empty": "Nobody has finished it yet.",
    "lib_empty": "Your library is empty. Every quiz you start is kept here, and so is every CSV quiz you send me (see /help).",
    "lib_header": "📚 <b>Your quizzes</b>, newest first (page {page} of {pages}). Tap one:",
    "lib_entry": {
        "one": "<b>#{number} {title}</b>\n{n} question · {date}\n{shared}\n{board}",
        "other": "<b>#{number} {title}</b>\n{n} questions · {date}\n{shared}\n{board}",
    },
    "lib_shared_on": "🔗 Shared: anyone with its link can take it.",
    "lib_shared_off": "Not shared.",
    "lib_board_on": "🏆 Takers see the board.",
    "lib_board_off": "🏆 Only you see the board.",
    "lib_play_button": "▶️ Play here",
    "lib_export_button": "📄 Export",
    "lib_delete_button": "🗑 Delete",
    "lib_revoke_button": "⛔ Revoke link",
    "lib_board_button": "🏆 Board",
    "lib_show_board_button": "Show takers the board",
    "lib_hide_board_button": "Hide the board from takers",
    "lib_back_button": "◀️ All quizzes",
    "lib_prev_button": "◀️",
    "lib_next_button": "▶️",
    "lib_confirm_delete": "Delete #{number} <b>{title}</b> from your library? Its link stops working.",
    "lib_yes_delete_button": "🗑 Yes, delete it",
    "lib_deleted": "#{number} is deleted from your library.",
    "lib_share_text": {
        "one": "🔗 <b>{title}</b>: {n} question. Anyone who opens this link takes it, privately:\n{link}\n\nTo play it in a group (admins add me there):\n{group_link}",
        "other": "🔗 <b>{title}</b>: {n} questions. Anyone who opens this link takes them, privately:\n{link}\n\nTo play it in a group (admins add me there):\n{group_link}",
    },
    "lib_take_button": "Take this quiz",
    "lib_group_button": "Play it in a group",
    "lib_revoked": "The link to #{number} no longer works. Share it again for a new one.",
    "lib_not_found": "There is no quiz {number} in your library. /myquizzes lists them.",
    "lib_not_yours": "These buttons belong to someone else's library.",
    "lib_link_dead": "This quiz link no longer works: its owner stopped sharing it.",
    "play_usage": "Send <code>/play N</code> with a quiz's number from /myquizzes.",
    "rename_usage": "Send <code>/rename N new title</code> with a quiz's number from /myquizzes.",
    "renamed": "#{number} is now called <b>{title}</b>.",
    "export_usage": "<code>/export</code> sends your last quiz as a CSV file, <code>/export N</code> quiz N of /myquizzes, <code>/export cards</code> your study cards for Anki.",
    "export_empty": "Your library is empty: nothing to export yet.",
    "export_cards_empty": "You have no study cards yet: answer a quiz first.",
    "export_caption": "📄 <b>{title}</b>: send this file back to me to import it again.",
    "export_cards_caption": "🗂 Your study cards: in Anki, File → Import.",
    "import_bad": "Nothing was imported. Fix these rows and send the file again:\n{problems}",
    "import_disputed": "Nothing was imported: an independent check disagrees with the answer of these rows. Fix the answer, or the question so that exactly one choice is right, and send the file again:\n{problems}",
    "import_done": {
        "one": "📥 Imported <b>{title}</b>: {n} question, #{number} in your library. /play {number} plays it.",
        "other": "📥 Imported <b>{title}</b>: {n} questions, #{number} in your library. /play {number} plays it.",
    },
    "import_too_big": "That file is too big for a quiz: at most {kb} KB.",
    "import_unreadable": "I couldn't read that file: send it as UTF-8 text.",
    "import_more": "…and {more} more.",
    "inline_card": {
        "one": "📝 <b>{title}</b>: {n} question",
        "other": "📝 <b>{title}</b>: {n} questions",
    },
    "inline_description": {"one": "{n} question", "other": "{n} questions"},
    "help_library": "\n\n<b>Your library</b>\nEvery quiz you start is kept. /myquizzes lists them: play one again (<code>/play N</code>, here or in a group), share it as a link anyone can take (same questions, nobody pays for a new quiz; you can revoke it and choose whether takers see the board), export or delete it. <code>/export [N]</code> sends a quiz as CSV, <code>/export cards</code> your study cards for Anki. Send a .csv or .tsv file with the columns <code>question, choice1…choiceN, answer, explanation, source</code> to import your own quiz. In any chat, type <code>@{bot} words</code> to post one of your quizzes.",
    "cmd_myquizzes": "My saved quizzes: play, share, export",
    "cmd_play": "Play quiz N of my library: /play N",
    "cmd_export": "A quiz (or my study cards) as CSV",
    "import_row": "Row {row}: {problem}",
    "lib_share_short_button": "🔗 Share",
}
