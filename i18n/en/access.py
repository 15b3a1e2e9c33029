"""English: access, limits, /usage and privacy."""

from __future__ import annotations

TEXTS: dict[str, str | dict[str, str]] = {
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
}
