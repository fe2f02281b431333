"""Secrets in pastes are found and blanked; ordinary talk about passwords is not mistaken for one."""

from __future__ import annotations

import pytest

from bot.redact import REDACTED, find_secrets, redact

JWT = "eyJ0eXAiOiJKV1QiLCJhbGciOi.eyJhdWQiOiJodHRwczovL291dGxvb2s.c2lnbmF0dXJlX2hlcmU"


@pytest.mark.parametrize(
    ("text", "secret", "kind"),
    [
        ("admin is mig@contoso.com password: Hunter2-Canary!", "Hunter2-Canary!", "password"),
        ("pw=S3cr3t#2024 for the source admin", "S3cr3t#2024", "password"),
        ("the pwd is 'Winter2024!'", "Winter2024!", "password"),
        (
            "client_secret: abc8Q~Zz0123456789abcdefghijklmnopqrstu",
            "abc8Q~Zz0123456789abcdefghijklmnopqrstu",
            "client secret",
        ),
        (
            "secret = f3A8Q~klmnopqrstuvwxyz0123456789ABCDEFGHI",
            "f3A8Q~klmnopqrstuvwxyz0123456789ABCDEFGHI",
            "client secret",
        ),
        ("Authorization: Bearer " + JWT, JWT, "token"),
        ("bot token xoxb-1234567890-abcdefghijkl leaked", "xoxb-1234567890-abcdefghijkl", "token"),
    ],
)
def test_secrets_are_found_and_blanked(text: str, secret: str, kind: str) -> None:
    assert kind in find_secrets(text)
    cleaned = redact(text)
    assert secret not in cleaned
    assert REDACTED in cleaned


@pytest.mark.parametrize(
    "text",
    [
        "the password expired on the source admin",
        "password reset for my laptop please",
        "is the password policy 90 days?",
        "Your migration failed while checking destination credentials. 401 Unauthorized",
        "AADSTS50126: Error validating credentials due to invalid username or password.",
    ],
)
def test_talk_about_passwords_is_left_alone(text: str) -> None:
    assert find_secrets(text) == []
    assert redact(text) == text
