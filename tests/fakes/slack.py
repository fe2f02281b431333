"""An in-process fake of the Slack Web API and Socket Mode server on an ephemeral loopback port.

Point the real clients at it: ``AsyncWebClient(token=FakeSlack.BOT_TOKEN, base_url=fake.api_url)`` and
``SocketModeClient(app_token=FakeSlack.APP_TOKEN, web_client=AsyncWebClient(base_url=fake.api_url))``.
Every request is recorded as a `Call`; tests wait on the fake (`wait_for`, `wait_for_socket`), never sleep.

Shapes follow what slack_sdk 3.48 sends and reads:

- JSON bodies (chat.postMessage, chat.update, chat.postEphemeral, views.*), form bodies (when a caller passes
  ``data=``), and query strings (auth.test, chat.delete, conversations.join, reactions.add and
  apps.connections.open are POSTs with their arguments in the URL; conversations.info, users.info and
  chat.getPermalink are GETs). A call's `args` merge the query string and the body.
- The token travels as ``Authorization: Bearer ...``; a missing token answers ``not_authed``, an unknown one
  ``invalid_auth``, and apps.connections.open takes only the app-level token.
- Socket Mode: apps.connections.open returns a ``ws://`` URL; on connect the fake sends ``hello``, then
  envelopes ``{"envelope_id", "type", "payload", "accepts_response_payload"}``; the client acks with
  ``{"envelope_id", "payload"?}``. A ``disconnect`` message makes the sdk fetch a new URL and reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

JSON_FIELDS = frozenset(
    {"attachments", "blocks", "chunks", "metadata", "unfurls", "user_auth_blocks", "view"}
)
"""Arguments that Slack takes as JSON; decoded when they arrive as strings (form bodies)."""

APP_ID = "A0WHY401"
TEAM_NAME = "why401 test"
WORKSPACE_URL = "https://why401-test.slack.com/"


@dataclass
class Call:
    """One request the fake received, with the answer it gave."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float
    path: str = ""
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def token(self) -> str | None:
        """The bearer token the request carried (header first, then a ``token`` argument)."""
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            return auth.removeprefix("Bearer ").strip() or None
        token = self.args.get("token")
        return token if isinstance(token, str) and token else None


@dataclass(frozen=True)
class _Failure:
    status: int
    error: str
    retry_after: int | None


class _SlackError(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def _decode_json_fields(args: dict[str, Any]) -> dict[str, Any]:
    for name in JSON_FIELDS & args.keys():
        value = args[name]
        if isinstance(value, str) and value.lstrip()[:1] in ("[", "{"):
            with contextlib.suppress(json.JSONDecodeError):
                args[name] = json.loads(value)
    return args


def _short(value: Any, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class FakeSlack:
    """The Slack Web API and Socket Mode server, recorded, on ``127.0.0.1:<ephemeral port>``."""

    TEAM_ID = "T0WHY401"
    BOT_USER_ID = "U0WHYBOT"
    BOT_ID = "B0WHYBOT"
    BOT_TOKEN = "xoxb-test-token"
    APP_TOKEN = "xapp-test-token"

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.envelopes: list[dict[str, Any]] = []
        """Every envelope pushed over Socket Mode, in order."""
        self.acks: list[dict[str, Any]] = []
        """Every message a Socket Mode client sent back (acks), in order."""
        self._failures: defaultdict[str, deque[_Failure]] = defaultdict(deque)
        self._members: dict[str, bool] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._ts = itertools.count(1)
        self._view_ids = itertools.count(1)
        self._home_views: dict[str, str] = {}
        self._tickets: set[str] = set()
        self.usergroups: dict[str, list[str]] = {}
        """User group id -> member user ids, for usergroups.users.list."""
        self._sockets: list[web.WebSocketResponse] = []
        self._sockets_opened = 0
        self._pending_acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._changed: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Serve on an ephemeral loopback port."""
        self._changed = asyncio.Condition()
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/response/{key}", self._handle_response_url)
        app.router.add_get("/socket", self._handle_socket)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Close the sockets, fail pending waits, stop serving."""
        for future in self._pending_acks.values():
            future.cancel()
        for ws in list(self._sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"fake stopping")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._port = None

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` (no trailing slash)."""
        if self._port is None:
            raise RuntimeError("FakeSlack is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        """The Web API base URL, with the trailing slash slack_sdk and ``SLACK_API_URL`` expect."""
        return f"{self.base_url}/api/"

    def response_url(self, key: str = "r1") -> str:
        """A ``response_url`` for command and interaction payloads; posts to it record as ``response_url``."""
        return f"{self.base_url}/response/{key}"

    # ------------------------------------------------------------------ test controls

    def calls_to(self, method: str) -> list[Call]:
        """The calls recorded for one method, in arrival order."""
        return [call for call in self.calls if call.method == method]

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[Call]:
        """Wait until ``count`` calls to ``method`` match ``predicate``; return all matching calls so far."""

        def matching() -> list[Call]:
            return [c for c in self.calls_to(method) if predicate is None or predicate(c)]

        changed = self._condition()
        try:
            async with asyncio.timeout(timeout), changed:
                await changed.wait_for(lambda: len(matching()) >= count)
        except TimeoutError:
            seen = self.calls_to(method)
            lines = [f"  {c.method} status={c.status} args={_short(c.args)}" for c in seen]
            others = sorted({c.method for c in self.calls} - {method})
            raise AssertionError(
                f"expected {count} call(s) to {method}{' matching the predicate' if predicate else ''} "
                f"within {timeout}s, got {len(matching())} matching of {len(seen)}:\n"
                + ("\n".join(lines) or "  (none)")
                + f"\nother methods called: {others or '(none)'}"
            ) from None
        return matching()

    def fail(
        self,
        method: str,
        *,
        times: int = 1,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail.

        With ``status`` 200 they answer ``{"ok": false, "error": error}`` (default ``fatal_error``); with
        another status they answer that HTTP status (429: ``ratelimited``, plus ``Retry-After`` when given).
        Queued failures are used before any other check, in order.
        """
        if error is None:
            error = {200: "fatal_error", 429: "ratelimited"}.get(status, "internal_error")
        for _ in range(times):
            self._failures[method].append(_Failure(status=status, error=error, retry_after=retry_after))

    def set_channel_member(self, channel: str, is_member: bool) -> None:
        """Whether the bot is in ``channel`` (default: yes).

        conversations.info reports it, chat.postMessage answers ``not_in_channel`` when not,
        and conversations.join makes the bot a member.
        """
        self._members[channel] = is_member

    def is_channel_member(self, channel: str) -> bool:
        return self._members.get(channel, True)

    def set_user(self, user_id: str, *, name: str, real_name: str | None = None, **extra: Any) -> None:
        """What users.info answers for ``user_id`` (others get a name derived from the id)."""
        self._users[user_id] = {"name": name, "real_name": real_name or name, **extra}

    # ------------------------------------------------------------------ Socket Mode controls

    async def wait_for_socket(self, timeout: float = 5.0, *, count: int = 1) -> None:
        """Wait until ``count`` Socket Mode connections were made in all and the latest is open."""
        changed = self._condition()
        try:
            async with asyncio.timeout(timeout), changed:
                await changed.wait_for(
                    lambda: self._sockets_opened >= count and self._open_socket() is not None
                )
        except TimeoutError:
            raise AssertionError(
                f"no Socket Mode client connected within {timeout}s "
                f"(connections made: {self._sockets_opened}, wanted {count}; "
                f"apps.connections.open calls: {len(self.calls_to('apps.connections.open'))})"
            ) from None

    async def push_envelope(
        self,
        envelope_type: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool = False,
        retry_attempt: int = 0,
        retry_reason: str = "",
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """Send an envelope over the open socket and return the client's ack (``{"envelope_id", ...}``).

        ``events_api`` envelopes also carry ``retry_attempt`` / ``retry_reason`` as Slack sends them.
        """
        await self.wait_for_socket(timeout)
        ws = self._open_socket()
        assert ws is not None
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if envelope_type == "events_api":
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason
        ack: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending_acks[envelope_id] = ack
        self.envelopes.append(envelope)
        try:
            await ws.send_json(envelope)
            async with asyncio.timeout(timeout):
                return await ack
        except TimeoutError:
            raise AssertionError(
                f"no ack for {envelope_type} envelope {envelope_id} within {timeout}s; "
                f"acks seen: {_short(self.acks)}"
            ) from None
        finally:
            self._pending_acks.pop(envelope_id, None)

    async def disconnect_socket(self, reason: str = "refresh_requested") -> None:
        """Ask the connected client to reconnect, as Slack does every few hours."""
        ws = self._open_socket()
        if ws is None:
            raise AssertionError("no Socket Mode client is connected")
        await ws.send_json({"type": "disconnect", "reason": reason, "debug_info": {"host": "fake-applink"}})

    # ------------------------------------------------------------------ HTTP handlers

    def _condition(self) -> asyncio.Condition:
        if self._changed is None:
            raise RuntimeError("FakeSlack is not started")
        return self._changed

    async def _notify(self) -> None:
        changed = self._condition()
        async with changed:
            changed.notify_all()

    async def _parse_args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.method != "POST" or not request.can_read_body:
            return _decode_json_fields(args)
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                args.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    args[name] = {
                        "filename": value.filename,
                        "content_type": value.content_type,
                        "content": value.file.read(),
                    }
                else:
                    args[name] = value
        else:
            args["_raw_body"] = await request.read()
        return _decode_json_fields(args)

    async def _receive(self, request: web.Request, method: str) -> Call:
        at = time.monotonic()
        args = await self._parse_args(request)
        return Call(method=method, args=args, headers=dict(request.headers), at=at, path=request.path)

    async def _reply(self, call: Call, answer: Callable[[Call], dict[str, Any]]) -> web.Response:
        headers: dict[str, str] = {}
        failures = self._failures.get(call.method)
        if failures:
            failure = failures.popleft()
            call.status = failure.status
            call.response = {"ok": False, "error": failure.error}
            if failure.retry_after is not None:
                headers["Retry-After"] = str(failure.retry_after)
        else:
            try:
                call.response = answer(call)
            except _SlackError as e:
                call.response = {"ok": False, "error": e.error}
        self.calls.append(call)
        await self._notify()
        return web.json_response(call.response, status=call.status, headers=headers)

    async def _handle_api(self, request: web.Request) -> web.Response:
        call = await self._receive(request, request.match_info["method"])
        return await self._reply(call, self._answer)

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        call = await self._receive(request, "response_url")
        return await self._reply(call, lambda _: {"ok": True})

    def _answer(self, call: Call) -> dict[str, Any]:
        handler = self._methods().get(call.method)
        if handler is None:
            return {"ok": False, "error": "unknown_method", "req_method": call.method}
        self._check_token(call)
        return {"ok": True, **handler(call.args)}

    def _check_token(self, call: Call) -> None:
        token = call.token
        if token is None:
            raise _SlackError("not_authed")
        if call.method == "apps.connections.open":
            if not token.startswith("xapp-"):
                raise _SlackError("not_allowed_token_type")
            if token != self.APP_TOKEN:
                raise _SlackError("invalid_auth")
            return
        if token.startswith("xapp-"):
            raise _SlackError("not_allowed_token_type")
        if token != self.BOT_TOKEN:
            raise _SlackError("invalid_auth")

    def _methods(self) -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
        return {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "conversations.info": self._conversations_info,
            "conversations.join": self._conversations_join,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "users.info": self._users_info,
            "usergroups.users.list": self._usergroups_users_list,
            "reactions.add": self._reactions_add,
            "apps.connections.open": self._apps_connections_open,
        }

    # ------------------------------------------------------------------ Web API methods

    def _next_ts(self) -> str:
        micros = 1_700_000_000_000_000 + 100 * next(self._ts)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    @staticmethod
    def _require(args: dict[str, Any], name: str, error: str) -> str:
        value = args.get(name)
        if not value or not isinstance(value, str):
            raise _SlackError(error)
        return value

    def _channel(self, channel: str) -> dict[str, Any]:
        is_im = channel.startswith("D")
        return {
            "id": channel,
            "name": channel.lower(),
            "is_channel": channel.startswith("C"),
            "is_group": channel.startswith("G"),
            "is_im": is_im,
            "is_private": not channel.startswith("C"),
            "is_archived": False,
            "is_member": self.is_channel_member(channel),
            "context_team_id": self.TEAM_ID,
            **({"user": "U0WHYUSER"} if is_im else {}),
        }

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": WORKSPACE_URL,
            "team": TEAM_NAME,
            "user": "why401",
            "team_id": self.TEAM_ID,
            "user_id": self.BOT_USER_ID,
            "bot_id": self.BOT_ID,
            "is_enterprise_install": False,
        }

    def _message(self, args: dict[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "text": args.get("text", ""),
            "user": self.BOT_USER_ID,
            "bot_id": self.BOT_ID,
            "app_id": APP_ID,
            "ts": ts,
            "team": self.TEAM_ID,
        }
        for name in ("blocks", "attachments", "thread_ts", "metadata"):
            if name in args:
                message[name] = args[name]
        return message

    def _chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._require(args, "channel", "channel_not_found")
        if not args.get("text") and not args.get("blocks") and not args.get("attachments"):
            raise _SlackError("no_text")
        if not self.is_channel_member(channel):
            raise _SlackError("not_in_channel")
        ts = self._next_ts()
        return {"channel": channel, "ts": ts, "message": self._message(args, ts)}

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        self._require(args, "channel", "channel_not_found")
        self._require(args, "user", "user_not_in_channel")
        return {"message_ts": self._next_ts()}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._require(args, "channel", "channel_not_found")
        ts = self._require(args, "ts", "message_not_found")
        return {
            "channel": channel,
            "ts": ts,
            "text": args.get("text", ""),
            "message": self._message(args, ts),
        }

    def _chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._require(args, "channel", "channel_not_found")
        ts = self._require(args, "ts", "message_not_found")
        return {"channel": channel, "ts": ts}

    def _chat_get_permalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._require(args, "channel", "channel_not_found")
        ts = self._require(args, "message_ts", "message_not_found")
        return {"channel": channel, "permalink": f"{WORKSPACE_URL}archives/{channel}/p{ts.replace('.', '')}"}

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"channel": self._channel(self._require(args, "channel", "channel_not_found"))}

    def _conversations_join(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._require(args, "channel", "channel_not_found")
        self._members[channel] = True
        return {"channel": self._channel(channel)}

    def _view(self, view: Any, view_id: str) -> dict[str, Any]:
        if not isinstance(view, dict):
            raise _SlackError("invalid_arguments")
        return {
            "team_id": self.TEAM_ID,
            "state": {"values": {}},
            "hash": f"{time.time_ns()}.{view_id}",
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_id": APP_ID,
            "bot_id": self.BOT_ID,
            **view,
            "id": view_id,
        }

    def _new_view_id(self) -> str:
        return f"V0WHY{next(self._view_ids):04d}"

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        self._require(args, "trigger_id", "invalid_arguments")
        return {"view": self._view(args.get("view"), self._new_view_id())}

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = args.get("view_id")
        if not view_id and not args.get("external_id"):
            raise _SlackError("invalid_arguments")
        return {"view": self._view(args.get("view"), view_id or self._new_view_id())}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._require(args, "user_id", "invalid_arguments")
        view_id = self._home_views.setdefault(user, self._new_view_id())
        return {"view": self._view(args.get("view"), view_id)}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._require(args, "user", "user_not_found")
        known = self._users.get(user)
        if known is None and user == self.BOT_USER_ID:
            known = {"name": "why401", "real_name": "why401", "is_bot": True}
        if known is None:
            known = {"name": f"user.{user.lower()}", "real_name": f"User {user}"}
        name, real_name = known["name"], known["real_name"]
        extra = {k: v for k, v in known.items() if k not in ("name", "real_name")}
        return {
            "user": {
                "id": user,
                "team_id": self.TEAM_ID,
                "name": name,
                "real_name": real_name,
                "deleted": False,
                "is_bot": False,
                "tz": "Europe/London",
                "profile": {"real_name": real_name, "display_name": name, "team": self.TEAM_ID},
                **extra,
            }
        }

    def _usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        group = self._require(args, "usergroup", "invalid_arguments")
        if group not in self.usergroups:
            raise _SlackError("no_such_subteam")
        return {"users": list(self.usergroups[group])}

    def _reactions_add(self, args: dict[str, Any]) -> dict[str, Any]:
        self._require(args, "channel", "channel_not_found")
        self._require(args, "timestamp", "message_not_found")
        self._require(args, "name", "invalid_name")
        return {}

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        ticket = str(uuid.uuid4())
        self._tickets.add(ticket)
        return {"url": f"ws://127.0.0.1:{self._port}/socket?ticket={ticket}&app_id={APP_ID}"}

    # ------------------------------------------------------------------ Socket Mode server

    def _open_socket(self) -> web.WebSocketResponse | None:
        for ws in reversed(self._sockets):
            if not ws.closed:
                return ws
        return None

    async def _handle_socket(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("ticket") not in self._tickets:
            raise web.HTTPUnauthorized(text="invalid ticket")
        # A short close timeout keeps stop() quick when a client has stopped reading.
        ws = web.WebSocketResponse(timeout=1.0)
        await ws.prepare(request)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {
                    "host": "fake-applink",
                    "build_number": 1,
                    "approximate_connection_time": 18060,
                },
                "connection_info": {"app_id": APP_ID},
            }
        )
        self._sockets.append(ws)
        self._sockets_opened += 1
        await self._notify()
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._on_client_message(message.data)
        finally:
            self._sockets.remove(ws)
            await self._notify()
        return ws

    def _on_client_message(self, data: str) -> None:
        try:
            message = json.loads(data)
        except json.JSONDecodeError:
            message = {"_raw": data}
        if not isinstance(message, dict):
            message = {"_raw": message}
        self.acks.append(message)
        future = self._pending_acks.get(str(message.get("envelope_id")))
        if future is not None and not future.done():
            future.set_result(message)
