"""Render answers and diagnoses for a terminal: pure functions from structure to text."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from bot.answer import Answer, Candidate
from bot.probes.model import CheckResult, ProbeReport
from knowledge.model import Diagnosis, Step

WIDTH = 96


@dataclass(frozen=True)
class Style:
    """ANSI emphasis, or none at all when output is piped or NO_COLOR is set."""

    color: bool

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color else text

    def title(self, text: str) -> str:
        return self._wrap("1", text)

    def heading(self, text: str) -> str:
        return self._wrap("1;36", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)


def _wrap(text: str, indent: str, first: str | None = None) -> list[str]:
    return textwrap.wrap(
        text, WIDTH, initial_indent=first if first is not None else indent, subsequent_indent=indent
    ) or [first or indent]


def _step_lines(number: int, step: Step, style: Style) -> list[str]:
    lines = _wrap(step.do, "      ", f"  {number:>2}. ")
    if step.where:
        lines += _wrap(style.dim(f"where: {step.where}"), "        ", "      ")
    if step.wait_hours:
        lines.append(f"      wait: up to {step.wait_hours} h before checking again")
    return lines


def _candidate_line(candidate: Candidate) -> list[str]:
    head = f"  - {candidate.cause.title} [{candidate.cause.id}] {candidate.score:.0%}"
    return [head, *_wrap(candidate.evidence[0], "      ", "      because ")]


def answer_text(answer: Answer, style: Style) -> str:
    """The full answer for a terminal: cause and why, steps, checklist, other candidates, source."""
    if not answer.matched or answer.lead is None:
        lines = [
            style.title("Not a MigrationWiz 401 / credential failure, as far as why401 can tell."),
            "Paste the whole error from the project's user line (it mentions 401 Unauthorized,",
            "DatabaseNotFoundException, Basic Auth Disabled or an AADSTS code) and try again.",
        ]
        return "\n".join([*lines, *(style.dim(note) for note in answer.notes)]) + "\n"
    lead = answer.lead
    side = f"the {answer.endpoint} endpoint" if answer.endpoint else "the text does not say which endpoint"
    lines = [style.dim(f"{answer.form_title} - {side}"), ""]
    if answer.triage is not None:
        lines += [style.title(answer.triage.title), *_wrap(answer.triage.summary, "")]
        lines += ["", style.heading("Most common causes for this error")]
        lines += [line for c in (lead, *answer.others) for line in _candidate_line(c)]
    else:
        lines += [style.title(f"Most likely: {lead.cause.title} ({lead.score:.0%})")]
        lines += _wrap(lead.cause.summary, "")
        lines += ["", style.heading("Why")]
        lines += [line for evidence in lead.evidence for line in _wrap(evidence, "    ", "  - ")]
    lines += ["", style.heading("What to do")]
    lines += [line for n, step in enumerate(answer.steps, 1) for line in _step_lines(n, step, style)]
    if lead.cause.wait and answer.triage is None:
        lines += ["", style.heading(f"Expect a wait: up to {lead.cause.wait.hours} h")]
        lines += _wrap(lead.cause.wait.why, "  ", "  ")
    lines += ["", style.heading("Checklist")]
    lines += [line for item in answer.checklist for line in _wrap(item, "      ", "  [ ] ")]
    if answer.triage is None and answer.others:
        lines += ["", style.heading("Other candidates")]
        lines += [line for c in answer.others for line in _candidate_line(c)]
    lines += ["", style.dim(f"Source: {answer.source_url}")]
    lines += [style.dim(note) for note in answer.notes]
    return "\n".join(lines) + "\n"


def diagnosis_summary(diagnosis: Diagnosis, titles: dict[str, str], style: Style) -> str:
    """A few lines: matched or not, form, side, and the top candidates with their first reason."""
    if not diagnosis.matched:
        notes = [style.dim(note) for note in diagnosis.notes]
        return "\n".join(["not matched: no MigrationWiz 401 / credential failure found", *notes]) + "\n"
    lines = [
        style.title(f"matched: {diagnosis.form}, endpoint: {diagnosis.endpoint or 'not stated'}"),
    ]
    for rank, cause in enumerate(diagnosis.causes[:3], 1):
        lines.append(f"{rank}. {cause.id} {cause.score:.2f}  {titles[cause.id]}")
        lines += _wrap(cause.evidence[0], "     ", "     because ")
    lines += [style.dim(note) for note in diagnosis.notes]
    return "\n".join(lines) + "\n"


_MARKS: dict[str, str] = {"pass": "PASS", "fail": "FAIL", "warn": "WARN", "skipped": "SKIP", "error": "ERR "}


def check_line(check: CheckResult) -> str:
    """One check as a line: status, id, summary and how long it took."""
    return f"{_MARKS[check.status]} {check.id:<17} {check.summary} ({check.elapsed_ms} ms)"


def probe_report_text(report: ProbeReport, answer: Answer, style: Style) -> str:
    """The live checks with what each measured, then the answer re-ranked by them."""
    lines = [style.heading("Live checks")]
    for check in report.checks:
        lines += _wrap(check_line(check), "       ", "  ")
        lines += [
            style.dim(line) for detail in check.details for line in _wrap(detail, "         ", "       ")
        ]
    return "\n".join([*lines, ""]) + "\n" + answer_text(answer, style)
