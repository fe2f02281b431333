"""Turn text as Slack delivers it (escaped, marked up, fenced) back into what the person pasted."""

from __future__ import annotations

import html
import re
import unicodedata

# <https://x|label> -> label, <mailto:a@b|a@b> -> a@b, <https://x> -> https://x
_LINK = re.compile(r"<((?:https?|mailto):[^|>\s]{0,2000})(?:\|([^>]{0,2000}))?>")
# <@U123>, <@U123|name>, <#C123|general>, <!here>, <!subteam^S1|@team>
_REFERENCE = re.compile(r"<([@#!])([^|>\s]{1,200})(?:\|([^>]{0,200}))?>")
_FENCE = re.compile(r"```")
_QUOTE_PREFIX = re.compile(r"^(?:&gt;|>)[ \t]?", re.MULTILINE)
_INLINE_MARKS = re.compile(r"(?<![\w*_~`])[*_~`]+|[*_~`]+(?![\w*_~`])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]+")
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\u200b": "",
    }
)


def _link(match: re.Match[str]) -> str:
    target, label = match.group(1), match.group(2)
    if label:
        return label
    return target.removeprefix("mailto:")


def _reference(match: re.Match[str]) -> str:
    kind, ident, label = match.group(1), match.group(2), match.group(3)
    if kind == "#":
        return "#" + (label or ident)
    if kind == "!":
        return "@" + (label.lstrip("@") if label else ident.split("^")[0])
    return "@" + (label or "user")


def clean(text: str) -> str:
    """Undo Slack's escaping and markup so the classifier sees plain text.

    Links keep their label, mentions become @names, code fences, quote markers and
    emphasis markers go, curly quotes and dashes become plain ones, control bytes become spaces.
    """
    text = _QUOTE_PREFIX.sub("", text)
    text = _LINK.sub(_link, text)
    text = _REFERENCE.sub(_reference, text)
    text = html.unescape(text)
    text = _FENCE.sub("\n", text)
    text = _INLINE_MARKS.sub("", text)
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY)
    return _CONTROL.sub(" ", text)
