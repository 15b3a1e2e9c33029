"""The Bot API client over aiohttp (services/bot_http.py): requests as PTB builds them, files
both ways, and failures as PTB's errors (a timeout is TimedOut, the rest NetworkError)."""

from __future__ import annotations

import asyncio
import socket

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from fakes import BOT_TOKEN
from fakes.telegram_server import Chat, FakeTelegram, User
from services.bot_http import AiohttpRequest

GROUP = Chat(-1007171, "supergroup", title="Files")


def _bot(root: str, request: AiohttpRequest) -> Bot:
    return Bot(
        BOT_TOKEN,
        base_url=f"{root}/bot",
        base_file_url=f"{root}/file/bot",
        request=request,
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )


async def test_requests_uploads_and_downloads_pass_the_fakes_checks(tg: FakeTelegram) -> None:
    async with _bot(tg.root, AiohttpRequest()) as bot:
        assert (await bot.get_me()).id == (await bot.get_me()).id
        sent = await bot.send_message(GROUP.id, "<b>hi</b> &amp; co", parse_mode="HTML")
        assert sent.text == "hi & co"
        # Multipart: the form's fields beside the file.
        document = await bot.send_document(
            GROUP.id, b"%PDF-1.4 bytes", filename="notes.pdf", caption="Notes"
        )
        assert document.document is not None and document.caption == "Notes"
        file = await bot.get_file(document.document.file_id)
        assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 bytes"
        tg.user_sends(GROUP, User(72, "Ann"), "hello")
        [update] = await bot.get_updates(timeout=1)
        assert update.message is not None and update.message.text == "hello"


async def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    with pytest.raises(NetworkError) as raised:
        await request.post(f"http://127.0.0.1:{port}/bot{BOT_TOKEN}/getMe")
    await request.shutdown()
    assert not isinstance(raised.value, TimedOut)
    # The token is in the URL, never in the error.
    assert BOT_TOKEN not in str(raised.value)


async def test_a_garbled_answer_is_a_network_error_without_the_token() -> None:
    """aiohttp's error for a response it cannot parse quotes the request's URL."""

    async def garble(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 abc\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(garble, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{port}/bot{BOT_TOKEN}/getMe")
    finally:
        await request.shutdown()
        server.close()
        await server.wait_closed()
    assert "127.0.0.1" in str(raised.value) or "aiohttp" in str(raised.value)
    assert BOT_TOKEN not in str(raised.value)


async def test_a_server_that_does_not_answer_in_time_is_a_timeout() -> None:
    async def silent(_: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", silent)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        request = AiohttpRequest(read_timeout=0.2)
        await request.initialize()
        with pytest.raises(TimedOut):
            await request.post(f"http://127.0.0.1:{port}/bot{BOT_TOKEN}/getMe")
        await request.shutdown()
    finally:
        await runner.cleanup()


async def test_the_proxy_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    async def proxy(request: web.Request) -> web.Response:
        seen.append(f"{request.host}{request.path}")
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", proxy)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("NO_PROXY", "skipped.invalid")
    request = AiohttpRequest(connect_timeout=1, read_timeout=1)
    await request.initialize()
    try:
        # An address no resolver knows: only the proxy can answer it.
        assert await request.post("http://api.invalid/botTOKEN/close") is True
        with pytest.raises(NetworkError):
            await request.post("http://skipped.invalid/botTOKEN/close")
    finally:
        await request.shutdown()
        await runner.cleanup()
    assert seen == ["api.invalid/botTOKEN/close"]
