"""Schema versions 1 to 8: the quiz loop, groups, documents, the inbox, quotas, languages,
streamed quizzes and the bot's own conversation items."""

from __future__ import annotations

from storage.migrations.dialects import Migration

STEPS: tuple[Migration, ...] = (
    # 1: the core quiz loop
    """
    CREATE TABLE users (
        user_id     INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        updated_at  REAL NOT NULL
    );
    CREATE TABLE chat_settings (
        chat_id     INTEGER PRIMARY KEY,
        quiz_style  TEXT CHECK (quiz_style IN ('poll', 'keyboard'))
    );
    CREATE TABLE quizzes (
        id              INTEGER PRIMARY KEY,
        chat_id         INTEGER NOT NULL,
        thread_id       INTEGER NOT NULL DEFAULT 0,
        chat_type       TEXT NOT NULL,
        starter_id      INTEGER NOT NULL,
        request_key     TEXT NOT NULL UNIQUE,
        topic           TEXT NOT NULL,
        num_questions   INTEGER NOT NULL,
        style           TEXT NOT NULL,
        lang            TEXT NOT NULL DEFAULT 'en',
        state           TEXT NOT NULL CHECK (state IN
                            ('generating', 'open', 'submitting', 'done', 'failed', 'cancelled')),
        status          TEXT CHECK (status IN ('completed', 'stopped', 'timed_out')),
        conversation_id TEXT,
        call_id         TEXT,
        title           TEXT,
        status_message_id INTEGER,
        created_at      REAL NOT NULL,
        opened_at       REAL,
        closed_at       REAL,
        error           TEXT
    );
    -- One live quiz per chat topic, enforced by the database rather than by a check-then-act.
    CREATE UNIQUE INDEX quizzes_one_live ON quizzes (chat_id, thread_id)
        WHERE state IN ('generating', 'open', 'submitting');
    CREATE TABLE questions (
        quiz_id       INTEGER NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
        idx           INTEGER NOT NULL,
        text          TEXT NOT NULL,
        choices       TEXT NOT NULL,          -- JSON list, the model's order
        answer_index  INTEGER NOT NULL,
        explanation   TEXT NOT NULL,
        source_file   TEXT,
        source_quote  TEXT,
        display_order TEXT NOT NULL,          -- JSON list: position -> model index
        style         TEXT NOT NULL CHECK (style IN ('poll', 'keyboard')),
        message_id    INTEGER,
        poll_id       TEXT UNIQUE,
        PRIMARY KEY (quiz_id, idx)
    );
    CREATE TABLE answers (
        quiz_id      INTEGER NOT NULL,
        question_idx INTEGER NOT NULL,
        user_id      INTEGER NOT NULL,
        choice_index INTEGER NOT NULL,        -- the model's order
        answered_at  REAL NOT NULL,
        PRIMARY KEY (quiz_id, question_idx, user_id),
        FOREIGN KEY (quiz_id, question_idx) REFERENCES questions (quiz_id, idx) ON DELETE CASCADE
    );
    CREATE TABLE feedback (
        quiz_id  INTEGER PRIMARY KEY REFERENCES quizzes (id) ON DELETE CASCADE,
        text     TEXT NOT NULL,
        citations TEXT NOT NULL,              -- JSON list of [index, filename]
        posted   INTEGER NOT NULL DEFAULT 0
    );
    """,
    # 2: group quizzes: a deadline that survives restarts, the member count that decides when
    # everyone has answered, and a per-chat time limit.
    """
    ALTER TABLE quizzes ADD COLUMN deadline REAL;
    ALTER TABLE quizzes ADD COLUMN member_count INTEGER;
    ALTER TABLE chat_settings ADD COLUMN time_limit INTEGER;
    """,
    # 3: documents: one vector store per chat, its files and their states, and whether each
    # question's source quote was found in what file_search retrieved.
    """
    CREATE TABLE chat_libraries (
        chat_id         INTEGER PRIMARY KEY,
        vector_store_id TEXT NOT NULL,
        created_at      REAL NOT NULL
    );
    CREATE TABLE documents (
        id              INTEGER PRIMARY KEY,
        chat_id         INTEGER NOT NULL,
        uploader_id     INTEGER NOT NULL,
        request_key     TEXT NOT NULL UNIQUE,  -- chat:message, so a re-delivery is a no-op
        file_name       TEXT NOT NULL,
        size            INTEGER NOT NULL,
        openai_file_id  TEXT,
        vector_store_id TEXT,
        state           TEXT NOT NULL CHECK (state IN
                            ('downloading', 'uploading', 'processing', 'ready', 'failed')),
        error           TEXT,
        created_at      REAL NOT NULL
    );
    CREATE INDEX documents_by_chat ON documents (chat_id, id);
    ALTER TABLE questions ADD COLUMN quote_verified INTEGER;
    """,
    # 4: the inbox: updates are written here before Telegram is told they arrived (the next
    # getUpdates offset), and deleted once handled, so a crash in between loses nothing.
    """
    CREATE TABLE inbox (
        update_id   INTEGER PRIMARY KEY,
        payload     TEXT NOT NULL,
        received_at REAL NOT NULL
    );
    """,
    # 5: security and cost control: tokens each model response used (quotas and /usage), the
    # chats already told they may not use the bot (told once), and who may start quizzes.
    """
    CREATE TABLE usage (
        id      INTEGER PRIMARY KEY,
        at      REAL NOT NULL,
        chat_id INTEGER,
        user_id INTEGER,
        tokens  INTEGER NOT NULL
    );
    CREATE INDEX usage_by_time ON usage (at);
    CREATE TABLE access_refusals (
        chat_id INTEGER PRIMARY KEY,
        at      REAL NOT NULL
    );
    CREATE INDEX quizzes_by_created ON quizzes (created_at);
    ALTER TABLE chat_settings ADD COLUMN starters TEXT CHECK (starters IN ('anyone', 'admins'));
    """,
    # 6: a chat's language (/lang); NULL follows each user's Telegram language.
    """
    ALTER TABLE chat_settings ADD COLUMN lang TEXT;
    """,
    # 7: streamed quizzes open with their first question while the model writes the rest
    # (`writing`); a malformed streamed question is left out, so each stored question keeps
    # the index the model gave it, which is what the function_call_output must use.
    """
    ALTER TABLE quizzes ADD COLUMN writing INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE questions ADD COLUMN model_index INTEGER;
    """,
    # 8: quizzes on servers without the Conversations API: the bot keeps the items (the user
    # turn, the model's output items as returned, the function_call_output) and resends them.
    """
    CREATE TABLE quiz_items (
        conversation_key TEXT NOT NULL,       -- the quiz's conversation_id ("local:...")
        seq              INTEGER NOT NULL,
        item_json        TEXT NOT NULL,
        PRIMARY KEY (conversation_key, seq)
    );
    """,
)
