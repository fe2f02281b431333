"""The local console: the same triage as the Slack thread, rendered for a terminal, without Slack."""

from __future__ import annotations

from typing import TextIO

from bot.render import Style, answer_text
from bot.store import Store
from bot.triage import Triager
from knowledge.load import default_catalog

TEAM = "console"
MAX_PASTE_CHARS = 1_000_000
PROMPT = "Paste a MigrationWiz error, then an empty line (Ctrl-D to quit):"


def triage_and_render(triager: Triager, text: str, style: Style) -> str:
    """Diagnose one paste, record it like a Slack triage would be, and render the answer."""
    outcome = triager.diagnose(text, TEAM, asked=True)
    if outcome.diagnosis.matched:
        triager.record(outcome, text, team_id=TEAM, via="console")
    secrets = ""
    if outcome.secrets:
        secrets = (
            f"Careful: that paste holds a {' and a '.join(outcome.secrets)}. Rotate it; it was not stored.\n"
        )
    return secrets + answer_text(outcome.answer, style)


def _pastes(stdin: TextIO, stdout: TextIO) -> list[str] | None:
    """Read one paste interactively: lines until an empty one; None at end of input."""
    print(PROMPT, file=stdout, flush=True)
    lines: list[str] = []
    for line in stdin:
        if not line.strip():
            if lines:
                return lines
            continue
        lines.append(line)
    return lines or None


def run(store: Store, stdin: TextIO, stdout: TextIO, color: bool) -> int:
    """Answer pastes from `stdin`: one per empty-line-terminated block on a terminal, all of it when piped."""
    triager = Triager(default_catalog(), store)
    style = Style(color=color)
    if not stdin.isatty():
        stdout.write(triage_and_render(triager, stdin.read(MAX_PASTE_CHARS), style))
        return 0
    while (lines := _pastes(stdin, stdout)) is not None:
        stdout.write(triage_and_render(triager, "".join(lines), style) + "\n")
    return 0
