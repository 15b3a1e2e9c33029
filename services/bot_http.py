"""The Bot API's HTTP client: aiohttp behind python-telegram-bot's `BaseRequest`.

PTB's default, `HTTPXRequest`, spends about 1 ms of CPU on a request (httpx and httpcore),
which is most of what a group's burst of answers costs: each newcomer's `getChatMember`.
aiohttp does the same request for about 0.17 ms (docs/performance-log.md). The request is
the one PTB builds (a form, or multipart with files); what this class does is send it and
turn failures into PTB's errors, as `HTTPXRequest` does: a timeout is `TimedOut` (the
request may have reached Telegram), anything else `NetworkError`.
"""

from __future__ import annotations

import urllib.request
from urllib.parse import urlencode, urlsplit

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """`HTTPXRequest`'s parameters and defaults, over one aiohttp session.

    aiohttp has no write timeout: a request's write and read share `sock_read` and, as a
    bound on the whole, the sum of all four timeouts (uploads get `media_write_timeout`).
    Proxies come from the environment (HTTPS_PROXY, NO_PROXY), as httpx takes them, read
    once per host: aiohttp's own `trust_env` reads them, and ~/.netrc, in a thread at every
    request.
    """

    __slots__ = (
        "_connect",
        "_media_write",
        "_pool",
        "_pool_size",
        "_proxies",
        "_read",
        "_session",
        "_write",
    )

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read = read_timeout
        self._write = write_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size)
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        timeout = self._timeout(
            read=self._read if isinstance(read_timeout, DefaultValue) else read_timeout,
            write=(self._media_write if files else self._write)
            if isinstance(write_timeout, DefaultValue)
            else write_timeout,
            connect=self._connect if isinstance(connect_timeout, DefaultValue) else connect_timeout,
            pool=self._pool if isinstance(pool_timeout, DefaultValue) else pool_timeout,
        )
        body, headers = _body(request_data) if request_data is not None else (None, None)
        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout, proxy=self._proxy(url)
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:  # aiohttp's timeouts are TimeoutErrors too
            raise TimedOut from err
        except aiohttp.ClientError as err:
            # Some of aiohttp's errors quote the URL, and its path holds the bot token.
            text = str(err).replace(urlsplit(url).path, "/…")
            raise NetworkError(f"aiohttp.{type(err).__name__}: {text}") from err

    def _proxy(self, url: str) -> str | None:
        parts = urlsplit(url)
        origin = (parts.scheme, parts.netloc)
        if origin not in self._proxies:
            host = parts.hostname or ""
            bypass = not host or urllib.request.proxy_bypass(host)
            self._proxies[origin] = (
                None if bypass else urllib.request.getproxies().get(parts.scheme)
            )
        return self._proxies[origin]

    @staticmethod
    def _timeout(
        *, read: float | None, write: float | None, connect: float | None, pool: float | None
    ) -> aiohttp.ClientTimeout:
        parts = (read, write, connect, pool)
        total = None if any(p is None for p in parts) else sum(p for p in parts if p is not None)
        waiting = None if connect is None or pool is None else connect + pool
        return aiohttp.ClientTimeout(
            total=total, connect=waiting, sock_connect=connect, sock_read=read
        )


_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _body(request_data: RequestData) -> tuple[aiohttp.FormData | bytes, dict[str, str] | None]:
    """A form as PTB sends it (its parameters JSON-encoded), the files as multipart parts.
    A plain form is encoded here: aiohttp would build a FormData object for it first."""
    fields = request_data.json_parameters
    if not request_data.contains_files:
        return urlencode(fields).encode("ascii"), _FORM
    form = aiohttp.FormData(fields)
    for name, (file_name, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=file_name, content_type=mime_type)
    return form, None
