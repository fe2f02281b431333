"""Turn text as Slack delivers it (escaped, marked up, fenced) back into what the person pasted."""

from __future__ import annotations

import html
import re
import unicodedata

# <https://x|label> -> label, <mailto:a@b|a@b> -> a@b, <https://x> -> https://x
_LINK = re.compile(r"<((?:https?|mailto):[^|<>\s]{0,2000})(?:\|([^<>]{0,2000}))?>")
# <@U123>, <@U123|name>, <#C123|general>, <!here>, <!subteam^S1|@team>
_REFERENCE = re.compile(r"<([@#!])([^|>\s]{1,200})(?:\|([^>]{0,200}))?>")
_FENCE = re.compile(r"```")
_QUOTE_PREFIX = re.compile(r"^(?:&gt;|>)[ \t]?", re.MULTILINE)
_MARKS = re.compile(r"[*_~`]+")
_PLAIN_MAP = {
    **{chr(code): " " for code in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xFFFD)},
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u00a0": " ",
    "\u200b": "",
}
_PLAIN = str.maketrans(_PLAIN_MAP)
_NOT_PLAIN = re.compile("[" + "".join(re.escape(char) for char in _PLAIN_MAP) + "]")  # most texts hold none


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
    return "@" + (label or ident)  # an unnamed mention keeps its id: "@user" would read as a word


def _mark(match: re.Match[str]) -> str:
    """Drop emphasis markers, but keep them inside a word (user_name)."""
    text, start, end = match.string, match.start(), match.end()
    inside_word = start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()
    return match.group() if inside_word else ""


def clean(text: str) -> str:
    """Undo Slack's escaping and markup so the classifier sees plain text.

    Links keep their label, mentions become @names, code fences, quote markers and
    emphasis markers go, curly quotes and dashes become plain ones, control bytes become spaces.
    """
    if ">" in text or "&gt;" in text:
        text = _QUOTE_PREFIX.sub("", text)
    if "<" in text:
        text = _REFERENCE.sub(_reference, _LINK.sub(_link, text))
    text = _MARKS.sub(_mark, _FENCE.sub("\n", html.unescape(text)))
    text = unicodedata.normalize("NFKC", text)
    return text.translate(_PLAIN) if _NOT_PLAIN.search(text) else text
