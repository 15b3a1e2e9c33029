"""English: newcomers, a /quiz waiting for documents, menus and languages, documents."""

from __future__ import annotations

TEXTS: dict[str, str | dict[str, str]] = {
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
    "doc_downloading_again": "📥 I restarted: getting <b>{name}</b> ({size}) from Telegram again…",
    "doc_uploading": "📤 Storing <b>{name}</b> ({size}) for search…",
    "doc_indexing": "🔎 Indexing <b>{name}</b>; large files take a minute…",
    "doc_ready": "✅ <b>{name}</b> ({size}) is ready. Send /quiz for a quiz on this chat's documents, or <code>/quiz 5 topic</code> to narrow it down. /docs lists them.",
    "doc_still_processing": "⏳ <b>{name}</b> is still being indexed. /docs shows when it is ready.",
    "doc_failed": "❌ <b>{name}</b> could not be indexed: {reason}",
    "doc_interrupted": "⚠️ I restarted before <b>{name}</b> was added, so it could not be finished. Please send it again.",
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
}
