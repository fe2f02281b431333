"""The Slack fake answers the real slack_sdk clients the way Slack does, and records what they sent."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests.fakes.slack import Call, FakeSlack

BLOCKS: list[dict[str, Any]] = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "*Cause:* expired secret"}}
]


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=FakeSlack.BOT_TOKEN, base_url=fake.api_url)


def test_api_url_is_loopback_with_trailing_slash(fake: FakeSlack) -> None:
    assert fake.api_url.startswith("http://127.0.0.1:")
    assert fake.api_url.endswith("/api/")


async def test_post_message_is_recorded_with_parsed_blocks(fake: FakeSlack, client: AsyncWebClient) -> None:
    first = await client.chat_postMessage(channel="C123", text="fallback", blocks=BLOCKS, thread_ts="1.2")
    second = await client.chat_postMessage(channel="C123", text="again")

    assert first["ok"] is True
    assert first["channel"] == "C123"
    assert first["message"]["blocks"] == BLOCKS
    assert first["message"]["thread_ts"] == "1.2"
    assert first["message"]["bot_id"] == FakeSlack.BOT_ID
    assert float(second["ts"]) > float(first["ts"])
    assert len(first["ts"].split(".")[1]) == 6

    [call, _] = fake.calls_to("chat.postMessage")
    assert call.args == {"channel": "C123", "text": "fallback", "blocks": BLOCKS, "thread_ts": "1.2"}
    assert call.headers["Authorization"] == f"Bearer {FakeSlack.BOT_TOKEN}"
    assert call.headers["Content-Type"].startswith("application/json")
    assert call.response["ts"] == first["ts"]


async def test_form_and_query_arguments_are_parsed(fake: FakeSlack, client: AsyncWebClient) -> None:
    await client.api_call(
        "chat.postMessage", data={"channel": "C1", "text": "t", "blocks": json.dumps(BLOCKS)}
    )
    await client.reactions_add(channel="C1", timestamp="1.2", name="eyes")  # a POST with a query string

    [post] = fake.calls_to("chat.postMessage")
    assert post.args["blocks"] == BLOCKS
    assert post.headers["Content-Type"] == "application/x-www-form-urlencoded"
    [reaction] = fake.calls_to("reactions.add")
    assert reaction.args == {"channel": "C1", "timestamp": "1.2", "name": "eyes"}


async def test_wait_for_matches_a_predicate(fake: FakeSlack, client: AsyncWebClient) -> None:
    async def post_later() -> None:
        await client.chat_postMessage(channel="C1", text="first")
        await client.chat_postMessage(channel="C1", text="reply", thread_ts="9.9")

    task = asyncio.create_task(post_later())
    [call] = await fake.wait_for("chat.postMessage", lambda c: c.args.get("thread_ts") == "9.9")
    await task
    assert call.args["text"] == "reply"
    assert len(await fake.wait_for("chat.postMessage", count=2)) == 2


async def test_wait_for_times_out_with_the_calls_seen(fake: FakeSlack, client: AsyncWebClient) -> None:
    await client.chat_postMessage(channel="C1", text="unthreaded")

    with pytest.raises(AssertionError, match="expected 1 call") as raised:
        await fake.wait_for("chat.postMessage", lambda c: "thread_ts" in c.args, timeout=0.05)
    assert "unthreaded" in str(raised.value)


async def test_rate_limit_reaches_the_client_as_429(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail("chat.postMessage", status=429, retry_after=1)

    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="t")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "1"
    assert raised.value.response["error"] == "ratelimited"
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429]


async def test_rate_limit_handler_retries_after_the_delay(
    fake: FakeSlack, client: AsyncWebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(random, "random", lambda: 0.0)  # the handler adds random() s of jitter
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=1))
    fake.fail("chat.postMessage", status=429, retry_after=1)

    response = await client.chat_postMessage(channel="C1", text="t")

    assert response["ok"] is True
    first, second = fake.calls_to("chat.postMessage")
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 1.0


async def test_error_answers_ok_false(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail("chat.postMessage", error="not_in_channel")

    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="t")
    assert raised.value.response.status_code == 200
    assert raised.value.response["error"] == "not_in_channel"
    assert (await client.chat_postMessage(channel="C1", text="t"))["ok"] is True
    assert [c.response["ok"] for c in fake.calls_to("chat.postMessage")] == [False, True]


async def test_channel_membership(fake: FakeSlack, client: AsyncWebClient) -> None:
    assert (await client.conversations_info(channel="C1"))["channel"]["is_member"] is True
    fake.set_channel_member("C2", False)
    assert (await client.conversations_info(channel="C2"))["channel"]["is_member"] is False
    with pytest.raises(SlackApiError, match="not_in_channel"):
        await client.chat_postMessage(channel="C2", text="t")

    await client.conversations_join(channel="C2")
    assert (await client.conversations_info(channel="C2"))["channel"]["is_member"] is True
    assert (await client.chat_postMessage(channel="C2", text="t"))["ok"] is True


async def test_auth_and_unknown_methods(fake: FakeSlack, client: AsyncWebClient) -> None:
    auth = await client.auth_test()
    assert (auth["user_id"], auth["bot_id"], auth["team_id"]) == (
        FakeSlack.BOT_USER_ID,
        FakeSlack.BOT_ID,
        FakeSlack.TEAM_ID,
    )
    assert auth["is_enterprise_install"] is False

    with pytest.raises(SlackApiError, match="unknown_method"):
        await client.api_call("chat.sing")
    with pytest.raises(SlackApiError, match="invalid_auth"):
        await AsyncWebClient(token="xoxb-wrong", base_url=fake.api_url).auth_test()
    with pytest.raises(SlackApiError, match="not_authed"):
        await AsyncWebClient(base_url=fake.api_url).auth_test()
    assert [c.method for c in fake.calls] == ["auth.test", "chat.sing", "auth.test", "auth.test"]


async def test_other_methods_answer_what_the_sdk_reads(fake: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C1", text="t")
    ephemeral = await client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    assert float(ephemeral["message_ts"]) > float(posted["ts"])
    updated = await client.chat_update(channel="C1", ts=posted["ts"], text="new", blocks=BLOCKS)
    assert (updated["channel"], updated["ts"]) == ("C1", posted["ts"])
    link = await client.chat_getPermalink(channel="C1", message_ts=posted["ts"])
    assert link["permalink"].endswith("/archives/C1/p" + posted["ts"].replace(".", ""))
    assert (await client.chat_delete(channel="C1", ts=posted["ts"]))["ok"] is True

    fake.set_user("U1", name="ada", real_name="Ada Lovelace")
    user = (await client.users_info(user="U1"))["user"]
    assert (user["name"], user["real_name"]) == ("ada", "Ada Lovelace")

    modal = {"type": "modal", "callback_id": "feedback", "title": {"type": "plain_text", "text": "Why 401"}}
    opened = (await client.views_open(trigger_id="1.2.abc", view=modal))["view"]
    assert opened["id"].startswith("V")
    assert opened["callback_id"] == "feedback"
    updated_view = (await client.views_update(view_id=opened["id"], view=modal))["view"]
    assert updated_view["id"] == opened["id"]
    pushed = (await client.views_push(trigger_id="1.2.abc", view=modal))["view"]
    assert pushed["id"] != opened["id"]
    home = {"type": "home", "blocks": BLOCKS}
    published = (await client.views_publish(user_id="U1", view=home))["view"]
    assert published["type"] == "home"
    republished = (await client.views_publish(user_id="U1", view=home))["view"]
    assert republished["id"] == published["id"]  # one Home tab per user
    assert fake.calls_to("views.open")[0].args["view"] == modal


async def test_response_url_is_recorded(fake: FakeSlack) -> None:
    response = await AsyncWebhookClient(fake.response_url("cmd1")).send(
        text="done", response_type="ephemeral"
    )
    assert response.status_code == 200
    [call] = await fake.wait_for("response_url")
    assert call.path.endswith("/cmd1")
    assert call.args == {"text": "done", "response_type": "ephemeral"}


@pytest.fixture
async def socket_client(fake: FakeSlack) -> AsyncIterator[SocketModeClient]:
    client = SocketModeClient(app_token=FakeSlack.APP_TOKEN, web_client=AsyncWebClient(base_url=fake.api_url))
    try:
        yield client
    finally:
        await client.close()


async def test_socket_mode_envelope_reaches_listener_and_is_acked(
    fake: FakeSlack, socket_client: SocketModeClient
) -> None:
    received: list[SocketModeRequest] = []

    async def listener(client: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
        received.append(request)
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))

    socket_client.socket_mode_request_listeners.append(listener)
    await socket_client.connect()
    await fake.wait_for_socket()

    payload = {"type": "event_callback", "event_id": "Ev1", "event": {"type": "app_mention", "text": "401?"}}
    ack = await fake.push_envelope("events_api", payload)

    [request] = received
    assert (request.type, request.payload, request.retry_attempt) == ("events_api", payload, 0)
    assert ack == {"envelope_id": request.envelope_id}
    [opened] = fake.calls_to("apps.connections.open")
    assert opened.token == FakeSlack.APP_TOKEN


async def test_socket_mode_push_without_ack_fails(fake: FakeSlack, socket_client: SocketModeClient) -> None:
    await socket_client.connect()
    with pytest.raises(AssertionError, match="no ack"):
        await fake.push_envelope("slash_commands", {"command": "/why401"}, timeout=0.05)


async def test_socket_mode_reconnects_on_disconnect(fake: FakeSlack, socket_client: SocketModeClient) -> None:
    await socket_client.connect()
    await fake.wait_for_socket()
    await fake.disconnect_socket()

    await fake.wait_for("apps.connections.open", count=2)
    await fake.wait_for_socket(count=2)


async def test_wait_for_socket_times_out(fake: FakeSlack) -> None:
    with pytest.raises(AssertionError, match="no Socket Mode client"):
        await fake.wait_for_socket(timeout=0.05)


def test_call_token_falls_back_to_the_token_argument() -> None:
    call = Call(method="auth.test", args={"token": "xoxb-x"}, headers={}, at=0.0)
    assert call.token == "xoxb-x"
