"""Versioned schema. Append a new script to change the schema; never edit a shipped one.

`PRAGMA user_version` records how many scripts a database has run.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
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
    # 9, learning: each person's study cards with their FSRS state, one review-log
    # row per rated answer, which card each question of a review quiz re-tests, the quizzes
    # already recorded (so a re-run rates nothing twice), and opt-in reminders.
    """
    CREATE TABLE study_cards (
        id             INTEGER PRIMARY KEY,
        user_id        INTEGER NOT NULL,
        chat_id        INTEGER NOT NULL,
        quiz_id        INTEGER NOT NULL,
        question_idx   INTEGER NOT NULL,
        topic          TEXT NOT NULL,
        text           TEXT NOT NULL,
        choices        TEXT NOT NULL,          -- JSON list
        answer_index   INTEGER NOT NULL,
        explanation    TEXT NOT NULL,
        source_file    TEXT,
        source_quote   TEXT,                   -- only a quote verified against the documents
        created_at     REAL NOT NULL,
        last_at        REAL NOT NULL,
        right_count    INTEGER NOT NULL DEFAULT 0,
        wrong_count    INTEGER NOT NULL DEFAULT 0,
        last_correct   INTEGER NOT NULL,
        fsrs           TEXT NOT NULL,          -- py-fsrs Card.to_json()
        due            REAL NOT NULL,
        UNIQUE (user_id, quiz_id, question_idx)
    );
    -- Choosing a person's due cards, most overdue first, reads this index only.
    CREATE INDEX study_cards_due ON study_cards (user_id, due);
    CREATE TABLE review_log (
        id       INTEGER PRIMARY KEY,
        card_id  INTEGER NOT NULL REFERENCES study_cards (id) ON DELETE CASCADE,
        user_id  INTEGER NOT NULL,
        chat_id  INTEGER NOT NULL,
        quiz_id  INTEGER NOT NULL,
        at       REAL NOT NULL,
        correct  INTEGER NOT NULL,
        rating   INTEGER NOT NULL,
        log      TEXT NOT NULL,                -- py-fsrs ReviewLog.to_json()
        UNIQUE (card_id, quiz_id)
    );
    CREATE INDEX review_log_by_user ON review_log (user_id, at);
    CREATE INDEX review_log_by_chat ON review_log (chat_id, at);
    CREATE TABLE learning_recorded (
        quiz_id INTEGER PRIMARY KEY
    );
    CREATE TABLE review_quizzes (
        request_key TEXT PRIMARY KEY,          -- the review quiz's quizzes.request_key
        user_id     INTEGER NOT NULL,
        card_ids    TEXT NOT NULL,             -- JSON list, in the order the model got them
        created_at  REAL NOT NULL
    );
    CREATE INDEX review_quizzes_by_user ON review_quizzes (user_id);
    CREATE TABLE reminders (
        user_id     INTEGER PRIMARY KEY,
        chat_id     INTEGER NOT NULL,
        minute      INTEGER NOT NULL,          -- local minutes after midnight
        zone        TEXT NOT NULL,             -- an IANA name or an offset such as +09:00
        lang        TEXT NOT NULL,
        last_day    TEXT,                      -- the local date of the last reminder sent
        enabled     INTEGER NOT NULL DEFAULT 1
    );
    """,
    # 10: the close_date a poll was sent with (NULL: none, the bot stops it itself), so that
    # closing a quiz does not stopPoll what Telegram has already closed.
    """
    ALTER TABLE questions ADD COLUMN close_date INTEGER;
    """,
    # 11: conversation state (storage/conversation.py): a /quiz waiting for the chat's
    # documents to be indexed (one per topic), the plain texts offered as quiz topics
    # (callback data is too short to hold them), and the groups the bot introduced itself in.
    """
    CREATE TABLE pending_quizzes (
        chat_id     INTEGER NOT NULL,
        thread_id   INTEGER NOT NULL,
        chat_type   TEXT NOT NULL,
        user_id     INTEGER NOT NULL,
        message_id  INTEGER NOT NULL,
        lang        TEXT NOT NULL,
        requested   INTEGER,
        topic       TEXT NOT NULL,
        request_key TEXT NOT NULL,
        created_at  REAL NOT NULL,
        PRIMARY KEY (chat_id, thread_id)
    );
    CREATE TABLE topic_offers (
        id          INTEGER PRIMARY KEY,
        chat_id     INTEGER NOT NULL,
        request_key TEXT NOT NULL UNIQUE,
        topic       TEXT NOT NULL,
        created_at  REAL NOT NULL
    );
    CREATE INDEX topic_offers_by_created ON topic_offers (created_at);
    CREATE TABLE introductions (
        chat_id INTEGER PRIMARY KEY,
        at      REAL NOT NULL
    );
    """,
    # 12: live games: a quiz's mode and seconds per question; when each question
    # went out, when it closes, and whether the game has moved past it; the one standings
    # message edited after each question; a chat's default mode and seconds.
    """
    ALTER TABLE quizzes ADD COLUMN mode TEXT NOT NULL DEFAULT 'all'
        CHECK (mode IN ('all', 'live'));
    ALTER TABLE quizzes ADD COLUMN live_seconds INTEGER;
    ALTER TABLE quizzes ADD COLUMN standings_message_id INTEGER;
    ALTER TABLE questions ADD COLUMN sent_at REAL;
    ALTER TABLE questions ADD COLUMN live_deadline REAL;
    ALTER TABLE questions ADD COLUMN live_closed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE chat_settings ADD COLUMN quiz_mode TEXT CHECK (quiz_mode IN ('all', 'live'));
    ALTER TABLE chat_settings ADD COLUMN live_seconds INTEGER;
    """,
    # 13: exam mode: a group chooses that nobody sees the others' votes until the
    # quiz ends; a quiz keeps the choice it started with.
    """
    ALTER TABLE chat_settings ADD COLUMN exam INTEGER;
    ALTER TABLE quizzes ADD COLUMN exam INTEGER NOT NULL DEFAULT 0;
    """,
    # Local document search (DOCUMENT_SEARCH=local): a document's text in chunks, each with
    # its page, and an FTS5 index over them (BM25 ranking). The chunks go with their document.
    """
    CREATE TABLE document_chunks (
        id          INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        chat_id     INTEGER NOT NULL,
        seq         INTEGER NOT NULL,
        page        INTEGER,
        text        TEXT NOT NULL
    );
    CREATE INDEX document_chunks_by_document ON document_chunks (document_id, seq);
    CREATE INDEX document_chunks_by_chat ON document_chunks (chat_id, document_id, seq);
    CREATE VIRTUAL TABLE document_chunks_fts USING fts5 (
        text, content = 'document_chunks', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER document_chunks_ai AFTER INSERT ON document_chunks BEGIN
        INSERT INTO document_chunks_fts (rowid, text) VALUES (new.id, new.text);
    END;
    CREATE TRIGGER document_chunks_ad AFTER DELETE ON document_chunks BEGIN
        INSERT INTO document_chunks_fts (document_chunks_fts, rowid, text)
            VALUES ('delete', old.id, old.text);
    END;
    """,
    # The library: every posted quiz belongs to whoever started it, numbered per owner in
    # the order they were made (numbers never move); the owner's title, whether it is hidden,
    # its share link (NULL: none, or revoked) and whether takers see its board. A quiz played
    # again from the library or a link is a copy of its source, never a library entry itself.
    """
    CREATE TABLE library (
        quiz_id     INTEGER PRIMARY KEY REFERENCES quizzes (id) ON DELETE CASCADE,
        owner_id    INTEGER NOT NULL,
        number      INTEGER NOT NULL,
        title       TEXT,
        deleted     INTEGER NOT NULL DEFAULT 0,
        share_token TEXT UNIQUE,
        board       INTEGER NOT NULL DEFAULT 0,
        imported    INTEGER NOT NULL DEFAULT 0,
        UNIQUE (owner_id, number)
    );
    CREATE TABLE quiz_copies (
        quiz_id   INTEGER PRIMARY KEY REFERENCES quizzes (id) ON DELETE CASCADE,
        source_id INTEGER NOT NULL,
        shared    INTEGER NOT NULL DEFAULT 0  -- taken through a share link
    );
    CREATE INDEX quiz_copies_by_source ON quiz_copies (source_id);
    CREATE INDEX quizzes_by_starter ON quizzes (starter_id, id);
    """,
    # Documents each person and chat added per day, in count and bytes: reserved in the
    # transaction that creates the document (so a burst cannot slip past the daily limits),
    # kept when the document is removed, released when nothing reached OpenAI. And the
    # quizzes one person has running or started today, counted at every /quiz.
    """
    CREATE TABLE document_quota (
        request_key TEXT PRIMARY KEY,  -- the document's (chat:message)
        chat_id     INTEGER NOT NULL,
        user_id     INTEGER NOT NULL,
        bytes       INTEGER NOT NULL,
        at          REAL NOT NULL
    );
    CREATE INDEX document_quota_by_user ON document_quota (user_id, at);
    CREATE INDEX document_quota_by_chat ON document_quota (chat_id, at);
    CREATE INDEX quizzes_by_starter_time ON quizzes (starter_id, created_at);
    """,
    # Closing survives a crash: each question's close is marked (questions.live_closed, for
    # every quiz now) and so is the results message; failed submissions are counted, so that
    # a quiz is closed rather than left stuck in `submitting`.
    """
    ALTER TABLE quizzes ADD COLUMN results_posted INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE quizzes ADD COLUMN submit_failures INTEGER NOT NULL DEFAULT 0;
    """,
    # Workers sharing one database: the times the latest messages to a chat (0: to anyone)
    # were reserved for, so that Telegram's flood limits hold for the whole fleet.
    """
    CREATE TABLE send_slots (
        chat_id INTEGER PRIMARY KEY,
        sent    TEXT NOT NULL  -- JSON list of times, oldest first
    );
    """,
    # Durable timers (a group's deadline, a live game's next step, a daily reminder): due at
    # `due_at` on the services' clock, claimed by one worker at a time until `claimed_until`
    # (wall clock), so that exactly one process of a fleet fires each, and a timer armed by a
    # process that died still fires. `version` grows at each arm: a callback that finishes
    # deletes only the row it ran, not one it re-armed. And named leases (the long-polling
    # process, a quiz's close) held by one worker until they expire. Open quizzes' deadlines
    # get their timers here (live games' steps are armed by recovery, reminders at start).
    """
    CREATE TABLE timers (
        name          TEXT PRIMARY KEY,
        kind          TEXT NOT NULL,
        key_id        INTEGER NOT NULL,
        due_at        REAL NOT NULL,
        version       INTEGER NOT NULL DEFAULT 1,
        attempts      INTEGER NOT NULL DEFAULT 0,
        claimed_by    TEXT,
        claimed_until REAL
    );
    CREATE INDEX timers_by_due ON timers (due_at);
    CREATE TABLE leases (
        name       TEXT PRIMARY KEY,
        holder     TEXT NOT NULL,
        expires_at REAL NOT NULL
    );
    INSERT INTO timers (name, kind, key_id, due_at)
    SELECT 'deadline:' || id, 'deadline', id, deadline FROM quizzes
    WHERE state = 'open' AND deadline IS NOT NULL;
    """,
)
