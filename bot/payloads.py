"""What a Slack request must look like before the app reads it: the types of the fields the listeners use.

Slack never sends anything else, so a request that fails this check (and was signed) is refused with a 400
rather than left to raise inside Bolt or a listener, which would answer 500 or, after an acknowledgement,
leave Slack waiting past its deadline.
"""

from __future__ import annotations

from typing import Any

_TOP_STRINGS = ("type", "team_id", "api_app_id", "event_id", "command", "user_id", "channel_id", "trigger_id")
_EVENT_STRINGS = ("type", "channel", "user", "ts", "thread_ts", "subtype", "bot_id", "channel_type")
_OBJECTS = ("team", "user", "channel", "container", "view", "message")


def _strings(data: dict[str, Any], keys: tuple[str, ...]) -> bool:
    return all(isinstance(data[key], str) for key in keys if key in data)


def _has_id(data: dict[str, Any], key: str) -> bool:
    value = data.get(key)
    return isinstance(value, dict) and isinstance(value.get("id"), str)


def well_formed(payload: dict[str, Any]) -> bool:
    """Whether `payload` has the shape of an event, a slash command or an interaction the app handles."""
    if not _strings(payload, _TOP_STRINGS):
        return False
    if not all(isinstance(payload[key], dict) for key in _OBJECTS if key in payload):
        return False
    if "event" in payload:
        event = payload["event"]
        return (
            isinstance(event, dict) and isinstance(event.get("type"), str) and _strings(event, _EVENT_STRINGS)
        )
    if "command" in payload:
        required = ("user_id", "channel_id", "team_id", "response_url")
        return all(isinstance(payload.get(key), str) for key in required)
    kind = payload.get("type")
    if kind == "block_actions":
        actions = payload.get("actions")
        return (
            _has_id(payload, "user")
            and isinstance(actions, list)
            and bool(actions)
            and all(isinstance(action, dict) for action in actions)
            and ("channel" in payload or "container" in payload)
        )
    if kind == "view_submission":
        view = payload.get("view")
        return (
            _has_id(payload, "user")
            and isinstance(view, dict)
            and isinstance(view.get("type"), str)
            and isinstance(view.get("private_metadata", ""), str)
            and isinstance(view.get("state"), dict)
            and isinstance(view["state"].get("values"), dict)
        )
    return True
