"""The quiz lifecycle, one module per stage: generating → open → submitting → done.

starting (parse the command, check, create) → generation (the model writes it whole, or
streamed into streaming.StreamSink) → posting (the header and the questions) → deadlines
(a group's time limit and head count) → answers (record, decide completion) → closing
(close, results) → delivery (the feedback). lookup holds the reads handlers need.

Every step writes its result to SQLite before the next step talks to Telegram or the model,
so a re-delivered update or a restart finds the state and carries on instead of repeating.
All Telegram output goes through a `Presenter` (presenter.py); no module here holds a Bot.
"""
