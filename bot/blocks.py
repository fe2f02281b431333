"""Render answers as Slack Block Kit messages: pure functions, always with a text fallback, within limits.

An answer is two kinds of message in the thread: the diagnosis (cause, why, steps, candidates, source),
split across messages when long, and one checklist message that is updated as steps are ticked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.answer import Answer, Candidate, checklist_for
from knowledge.model import Cause, Step

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_HEADER_CHARS = 150
MAX_BUTTON_CHARS = 75
MAX_MESSAGE_CHARS = 10_000  # Slack refuses long block totals (msg_blocks_too_long) around 11-13k
MAX_FALLBACK_CHARS = 3000
USAGE = (
    "Paste a MigrationWiz error (the 401 Unauthorized, DatabaseNotFoundException or Basic Auth Disabled "
    "text, or an AADSTS code) and I will tell you the likely cause and the fix. `/why401 <error>` works "
    "anywhere; `/why401` alone opens a form for long pastes; `/why401 stats` shows what fixed things lately."
)

Block = dict[str, Any]

# action ids the handlers listen for
CHECKLIST_TOGGLE = "checklist_toggle"
SHOW_CAUSE = "show_cause"
FEEDBACK_FIXED = "feedback_fixed"
FEEDBACK_NOT_THIS = "feedback_not_this"
REMIND = "remind_thread"
RUN_PROBES = "run_probes"


@dataclass(frozen=True)
class Message:
    """One Slack message: the blocks and the plain-text fallback every message must carry."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sections(text: str) -> list[Block]:
    """Mrkdwn sections for `text`, split at line ends so no section passes Slack's limit."""
    pieces = [
        line[start : start + MAX_SECTION_CHARS]
        for line in text.split("\n")
        for start in range(0, max(len(line), 1), MAX_SECTION_CHARS)
    ]
    parts, chunk = [], ""
    for piece in pieces:
        if chunk and len(chunk) + 1 + len(piece) > MAX_SECTION_CHARS:
            parts.append(chunk)
            chunk = piece
        else:
            chunk = f"{chunk}\n{piece}" if chunk else piece
    if chunk:
        parts.append(chunk)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": part}} for part in parts]


def _button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(text, MAX_BUTTON_CHARS)},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _block_chars(block: Any) -> int:
    """All the text a block carries, its elements' and accessory's included."""
    if isinstance(block, dict):
        return sum(
            len(value) if key == "text" and isinstance(value, str) else _block_chars(value)
            for key, value in block.items()
        )
    if isinstance(block, list):
        return sum(_block_chars(item) for item in block)
    return 0


def split_messages(blocks: Sequence[Block], fallback: str) -> list[Message]:
    """Spread blocks over as many messages as Slack's per-message limits need; nothing is dropped."""
    messages: list[Message] = []
    current: list[Block] = []
    size = 0
    for block in blocks:
        cost = _block_chars(block)
        if current and (len(current) >= MAX_BLOCKS or size + cost > MAX_MESSAGE_CHARS):
            messages.append(Message(text="", blocks=current))
            current, size = [], 0
        current.append(block)
        size += cost
    if current:
        messages.append(Message(text="", blocks=current))
    total = len(messages)
    return [
        Message(
            text=clip(
                fallback if n == 1 else f"(continued, part {n} of {total}) {fallback}", MAX_FALLBACK_CHARS
            ),
            blocks=message.blocks,
        )
        for n, message in enumerate(messages, 1)
    ]


def _step_lines(steps: Sequence[Step]) -> str:
    lines = []
    for number, step in enumerate(steps, 1):
        line = f"{number}. {escape(step.do)}"
        if step.where:
            line += f"\n      _where:_ {escape(step.where)}"
        if step.wait_hours:
            line += f"\n      _then wait up to {step.wait_hours} h before checking again_"
        lines.append(line)
    return "\n".join(lines)


def _side(answer: Answer) -> str:
    return f"{answer.endpoint} endpoint" if answer.endpoint else "side not stated"


MAX_CANDIDATE_REASON_CHARS = 1000
MAX_CONTEXT_NOTES_CHARS = 1800


def _candidate_block(candidate: Candidate, triage_id: int) -> Block:
    reason = escape(candidate.evidence[0]) if candidate.evidence else ""
    reason = clip(reason, MAX_CANDIDATE_REASON_CHARS)
    text = f"*{escape(candidate.cause.title)}* ({candidate.score:.0%})\n{reason}"
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": clip(text, MAX_SECTION_CHARS)},
        "accessory": _button("Show fix", SHOW_CAUSE, f"{triage_id}:{candidate.cause.id}"),
    }


def summary_message(answer: Answer, asker: str) -> Message:
    """The one-line channel message for a /why401 question; the full answer goes in its thread."""
    assert answer.lead is not None, "only matched answers are rendered"
    likely = "no single cause stands out" if answer.triage else f"likely *{escape(answer.lead.cause.title)}*"
    text = f"<@{asker}> asked about a 401 ({_side(answer)}): {likely}. Details in the thread."
    return Message(text=text, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}])


def answer_messages(answer: Answer, triage_id: int) -> list[Message]:
    """The diagnosis part of an answer: likely cause and why, the steps, other candidates, the source."""
    assert answer.lead is not None, "only matched answers are rendered"
    lead = answer.lead
    if answer.triage is not None:
        title = "No single cause stands out: start with the triage path"
        fallback = f"401 triage: no single cause stands out; most common is {lead.cause.title}."
        body = f"{escape(answer.triage.summary)}\n\n*Steps*\n{_step_lines(answer.steps)}"
        candidates = (lead, *answer.others)
    else:
        title = f"Likely: {lead.cause.title}"
        fallback = f"Likely cause of the 401: {lead.cause.title} ({lead.score:.0%})."
        why = "\n".join(f"• {escape(evidence)}" for evidence in lead.evidence)
        body = (
            f"{escape(lead.cause.summary)}\n\n*Why I think so*\n{why}\n\n"
            f"*What to do*\n{_step_lines(answer.steps)}"
        )
        if lead.cause.wait:
            body += f"\n\n*Expect a wait:* up to {lead.cause.wait.hours} h. {escape(lead.cause.wait.why)}"
        candidates = answer.others
    context = f"{answer.form_title or 'Credential failure'} · {_side(answer)}"
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(title, MAX_HEADER_CHARS)}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(context)}]},
    ]
    blocks += sections(body)
    long_items = shortened_items(checklist_for(lead.cause))
    if long_items:
        blocks += sections(
            "*Checklist steps in full*\n" + "\n".join(f"• {escape(item)}" for item in long_items)
        )
    if candidates:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "*Other candidates*"}})
        for candidate in candidates:
            blocks.append(_candidate_block(candidate, triage_id))
            reason = escape(candidate.evidence[0]) if candidate.evidence else ""
            if len(reason) > MAX_CANDIDATE_REASON_CHARS:  # the rest, right under its shortened start
                blocks += sections(f"_… {escape(candidate.cause.title)}, in full:_ {reason}")
    blocks.append(
        {
            "type": "actions",
            "elements": [_button("Run live checks", RUN_PROBES, str(triage_id))],
        }
    )
    footer = f"Source: <{answer.source_url}|BitTitan, 401 Unauthorized Error Suite>"
    notes = " ".join(escape(note) for note in answer.notes)
    if len(notes) <= MAX_CONTEXT_NOTES_CHARS:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"{footer} {notes}"}]})
    else:  # notes this long read as sections rather than be cut
        blocks += sections(notes)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": footer}]})
    return split_messages(blocks, fallback)


MAX_CHECKLIST_ITEMS = 40
MAX_CHECKLIST_ITEM_CHARS = 200
_CHECKLIST_ROW_EXTRA = 160  # per row: the tick mark, who and when, the button


def _item_limit(items: Sequence[str]) -> int:
    """How long a checklist item may be shown: 200 characters, less when many rows share the message."""
    rows = max(1, min(len(items), MAX_CHECKLIST_ITEMS))
    return max(40, min(MAX_CHECKLIST_ITEM_CHARS, (MAX_MESSAGE_CHARS - 1000) // rows - _CHECKLIST_ROW_EXTRA))


def shortened_items(items: Sequence[str]) -> list[str]:
    """The checklist items its message cannot show whole (too long, or past the row limit): the answer
    shows these in full, so the checklist can point at them."""
    limit = _item_limit(items)
    return [item for item in items[:MAX_CHECKLIST_ITEMS] if len(escape(item)) > limit] + list(
        items[MAX_CHECKLIST_ITEMS:]
    )


def _shown_item(item: str, limit: int) -> str:
    """The item escaped, whole if it fits `limit`, else clipped (never inside an entity) and marked."""
    shown = escape(item)
    if len(shown) <= limit:
        return shown
    cut = item[: limit - 1]
    while len(escape(cut)) > limit - 1:
        cut = cut[:-1]
    return escape(cut) + "… _(in full above)_"


def checklist_message(
    cause: Cause, items: Sequence[str], triage_id: int, ticks: Mapping[int, tuple[str, float]]
) -> Message:
    """The checklist for one triage, with who ticked what and when, and the feedback buttons.

    It stays one message (it is updated in place), so very long items are shortened and a very long
    list shows its first steps, each time saying where the rest is.
    """
    done = sum(1 for index in range(len(items)) if index in ticks)
    blocks: list[Block] = [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*Checklist: {escape(cause.title)}* ({done} of {len(items)} done)",
            },
        }
    ]
    limit = _item_limit(items)
    for index, item in enumerate(items[:MAX_CHECKLIST_ITEMS]):
        shown = _shown_item(item, limit)
        tick = ticks.get(index)
        if tick:
            when = datetime.fromtimestamp(tick[1], UTC).strftime("%Y-%m-%d %H:%M UTC")
            text, label = f"✅ ~{shown}~\n_done by <@{tick[0]}> at {when}_", "Undo"
        else:
            text, label = f"⬜ {shown}", "Done"
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": text},
                "accessory": _button(label, CHECKLIST_TOGGLE, f"{triage_id}:{index}"),
            }
        )
    if len(items) > MAX_CHECKLIST_ITEMS:
        rest = len(items) - MAX_CHECKLIST_ITEMS
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"+{rest} more steps in the answer above."}],
            }
        )
    buttons = [
        _button("This fixed it", FEEDBACK_FIXED, f"{triage_id}:{cause.id}", "primary"),
        _button("Not this one", FEEDBACK_NOT_THIS, f"{triage_id}:{cause.id}"),
    ]
    if cause.wait and cause.wait.hours <= 48:
        buttons.append(
            _button(f"Remind this thread in {cause.wait.hours} h", REMIND, f"{triage_id}:{cause.id}")
        )
    blocks.append({"type": "actions", "elements": buttons})
    return Message(text=f"Checklist for {cause.title}: {done} of {len(items)} done.", blocks=blocks)


def cause_messages(cause: Cause, triage_id: int) -> list[Message]:
    """One cause's remediation, posted when someone asks to see another candidate."""
    body = f"{escape(cause.summary)}\n\n*What to do*\n{_step_lines(cause.steps)}"
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(cause.title, MAX_HEADER_CHARS)}},
        *sections(body),
        {
            "type": "actions",
            "elements": [
                _button("This fixed it", FEEDBACK_FIXED, f"{triage_id}:{cause.id}", "primary"),
                _button("Not this one", FEEDBACK_NOT_THIS, f"{triage_id}:{cause.id}"),
            ],
        },
    ]
    return split_messages(blocks, f"How to fix: {cause.title}")


PASTE_MODAL = "why401_paste"
PASTE_BLOCK, PASTE_INPUT = "paste", "text"
SIDE_BLOCK, SIDE_INPUT = "side", "side"


def paste_modal(channel: str) -> dict[str, Any]:
    """The form /why401 opens for long pastes; the channel to answer in rides in private_metadata."""
    sides = [("Not sure", "unknown"), ("Source", "source"), ("Destination", "destination")]
    options = [{"text": {"type": "plain_text", "text": label}, "value": value} for label, value in sides]
    return {
        "type": "modal",
        "callback_id": PASTE_MODAL,
        "private_metadata": channel,
        "title": {"type": "plain_text", "text": "why401"},
        "submit": {"type": "plain_text", "text": "Diagnose"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": PASTE_BLOCK,
                "label": {"type": "plain_text", "text": "Paste the MigrationWiz error"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": PASTE_INPUT,
                    "multiline": True,
                    "max_length": 3000,
                    "placeholder": {"type": "plain_text", "text": "Your migration failed while checking ..."},
                },
            },
            {
                "type": "input",
                "block_id": SIDE_BLOCK,
                "optional": True,
                "label": {"type": "plain_text", "text": "Which side failed?"},
                "element": {
                    "type": "static_select",
                    "action_id": SIDE_INPUT,
                    "options": options,
                    "initial_option": options[0],
                },
            },
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": "Do not paste passwords or secrets: I don't need them."}
                ],
            },
        ],
    }


def stats_message(windows: Sequence[tuple[int, Sequence[tuple[str, int, int, int]]]]) -> Message:
    """Triages per cause and how often each turned out to be the fix, for each window of days."""
    blocks: list[Block] = [{"type": "header", "text": {"type": "plain_text", "text": "why401 stats"}}]
    lines_for_text = []
    for days, rows in windows:
        lines = [f"*Last {days} days*"]
        if not rows:
            lines.append("_No triages yet._")
        for title, triages, fixed, not_this in rows:
            judged = fixed + not_this
            rate = f"fixed {fixed} of {judged} judged" if judged else "no verdicts yet"
            lines.append(f"• {escape(title)}: {triages} triage{'s' * (triages != 1)}, {rate}")
        blocks += sections("\n".join(lines))
        lines_for_text.append(f"last {days} days: {sum(row[1] for row in rows)} triages")
    return Message(text="why401 stats: " + "; ".join(lines_for_text), blocks=blocks)


def home_view(
    recent: Sequence[tuple[str, str | None]],
    open_checklists: Sequence[tuple[str, str | None]],
    week: Sequence[tuple[str, int, int, int]],
) -> dict[str, Any]:
    """The App Home tab: recent triages with links, open checklists, top causes this week and fix rates."""

    def linked(items: Sequence[tuple[str, str | None]]) -> str:
        return "\n".join(
            f"• <{link}|{escape(label)}>" if link else f"• {escape(label)}" for label, link in items
        )

    week_lines = [
        f"• {escape(title)}: {triages} triage{'s' * (triages != 1)}"
        + (f", fixed {fixed} of {fixed + not_this} judged" if fixed + not_this else "")
        for title, triages, fixed, not_this in week
    ]
    blocks: list[Block] = [{"type": "header", "text": {"type": "plain_text", "text": "why401"}}]
    blocks += sections(
        f"*Recent triages*\n{linked(recent) or '_None yet: paste a 401 in a channel I am in._'}"
    )
    blocks += sections(f"*Open checklists*\n{linked(open_checklists) or '_All done._'}")
    blocks += sections("*Top causes this week*\n" + ("\n".join(week_lines) or "_No triages this week._"))
    blocks += sections(f"*How to use me*\n{USAGE}")
    return {"type": "home", "blocks": blocks[:MAX_BLOCKS]}
