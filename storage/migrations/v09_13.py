"""Schema versions 9 to 13: learning, poll close dates, conversation state, live games and
exam mode."""

from __future__ import annotations

from storage.migrations.dialects import Migration

STEPS: tuple[Migration, ...] = (
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
)
