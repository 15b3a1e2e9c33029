"""Local stand-ins for the Bot API and the OpenAI API, strict as the real services.

Every request and response is validated against the vendored specs in `specs/`. The tests and
the benchmarks both run the real bot against them; nothing here reaches the network.
"""

# Credentials the fakes accept; they are never real and never logged (tests check that).
BOT_TOKEN = "123456:TEST-token-never-logged"
OPENAI_KEY = "sk-test-key-never-logged"
