"""One turn with the model: the request built from the thread's context, streamed when a
reader is given (asked again unstreamed where the stream breaks at once), and asked again
without an option the server refuses (never sent again by this process)."""

from __future__ import annotations

import logging
from dataclasses import replace

from openai import AsyncOpenAI
from openai.types.responses import Response

from engine.api import CreateArgs, Item, Options, Want, api_errors, create_args, refused_option
from engine.base import EngineRejectedError, QuizRequest
from engine.state import Thread
from engine.streaming import Reader, StreamBrokenError, Streaming

log = logging.getLogger(__name__)


class Turns:
    def __init__(self, client: AsyncOpenAI, model: str, options: Options) -> None:
        self._client = client
        self._model = model
        self._options = options
        self._streaming = Streaming(client)
        self._broken_logged = False

    @property
    def options(self) -> Options:
        """The options still sent (those the server refused are gone)."""
        return self._options

    async def send(
        self,
        thread: Thread,
        request: QuizRequest,
        items: list[Item],
        want: Want,
        reader: Reader | None = None,
    ) -> Response:
        """One turn: `items` after the thread's context, streamed to `reader` if given."""
        context = await thread.input(items)

        def args() -> CreateArgs:
            return create_args(
                self._model,
                request,
                context,
                want,
                conversation_id=thread.server_id,
                options=self._options,
            )

        try:
            response = await self._request(thread, args(), reader)
        except EngineRejectedError as exc:
            option = refused_option(exc)
            if option is None:
                raise
            self.drop(option)
            response = await self._request(thread, args(), reader)
        if response.status == "incomplete":
            details = response.incomplete_details
            log.warning(
                "The model stopped early (%s, max_output_tokens %s)",
                details.reason if details is not None else "no reason given",
                response.max_output_tokens,
            )
        await thread.keep(items, response)
        return response

    def drop(self, option: str) -> None:
        """Never send an option again this process once the server has refused it."""
        log.warning(
            "The model server refused '%s' (OPENAI_%s): asking again without it, and not "
            "sending it again",
            option,
            "REASONING_EFFORT" if option == "reasoning" else "VERBOSITY",
        )
        if option == "reasoning":
            self._options = replace(self._options, reasoning_effort=None)
        else:
            self._options = replace(self._options, verbosity=None)

    async def _request(self, thread: Thread, args: CreateArgs, reader: Reader | None) -> Response:
        response = None
        if reader is not None and self._streaming.usable:
            try:
                response = await self._streaming.response(args, reader)
            except StreamBrokenError:
                # Where the server keeps the conversation it may have stored the turn
                # already: sending it again would leave the model a call without output.
                if thread.server_id is not None:
                    raise
                self._log_broken_stream()
        if response is None:
            with api_errors():
                response = await self._client.responses.create(**args)
        return response

    def _log_broken_stream(self) -> None:
        if self._broken_logged:
            log.info("A stream broke before its first event: asking again without streaming")
            return
        self._broken_logged = True
        log.warning(
            "The model server's stream broke before its first event: asking again without "
            "streaming (OPENAI_STREAM=false saves the extra request)"
        )
