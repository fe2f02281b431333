"""Find secrets in pasted text and blank them before the text is stored or repeated."""

from __future__ import annotations

import re

REDACTED = "[redacted]"
_SECRETS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "password",
        re.compile(
            r"(?i)\b(?:password|passwd|pwd|pw|passcode|kennwort|mot de passe|contraseña|senha)\b"
            r"(?:\s+(?:is|was|=|:))?\s*[:=]?\s*[\"']?(?!(?:is|was|the|for|reset|expired|changed|policy)\b)([^\s\"',;]{4,})"
        ),
    ),
    ("client secret", re.compile(r"(?i)\b(?:client[_\s-]?secret|secret)\b\s*[:=]\s*[\"']?([^\s\"',;]{8,})")),
    ("client secret", re.compile(r"\b([A-Za-z0-9_\-.]{3}\dQ~[A-Za-z0-9_\-.~]{31,37})\b")),
    ("token", re.compile(r"\b(eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{5,})")),
    (
        "token",
        re.compile(r"\b(xox[abposr]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}|gh[pousr]_[A-Za-z0-9]{20,})"),
    ),
    ("token", re.compile(r"(?i)\bbearer\s+([A-Za-z0-9_\-.=]{20,})")),
)


def find_secrets(text: str) -> list[str]:
    """The kinds of secret found in `text` (password, client secret, token), without their values."""
    return sorted({kind for kind, pattern in _SECRETS if pattern.search(text)})


def redact(text: str) -> str:
    """`text` with every secret value replaced by [redacted]."""
    for _, pattern in _SECRETS:
        text = pattern.sub(lambda match: match.group(0).replace(match.group(1), REDACTED), text)
    return text
