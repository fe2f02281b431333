"""The `why401` console script: classify and explain pasted errors, and probe accounts, from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import IO, Any

from bot import probe_command
from bot.answer import build_answer
from bot.config import Settings
from bot.render import Style, answer_text, diagnosis_summary
from knowledge.classify import classify
from knowledge.load import default_catalog

MAX_INPUT_BYTES = 4 * 1024 * 1024


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="why401",
        description="Why does a MigrationWiz migration fail with 401 Unauthorized? Paste it, get the fix.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    classify_cmd = commands.add_parser("classify", help="classify an error: likely causes and why")
    classify_cmd.add_argument("text", nargs="?", help="the pasted error (default: read standard input)")
    output = classify_cmd.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print one JSON classification object")
    output.add_argument(
        "--jsonl",
        action="store_true",
        help='batch: read {"text": ...} lines on stdin, write one object per line',
    )
    explain_cmd = commands.add_parser("explain", help="the full answer: cause, why, steps, checklist")
    explain_cmd.add_argument("text", nargs="?", help="the pasted error (default: read standard input)")
    probe_command.add_parser(commands)
    return parser


def _read_all(stream: IO[bytes]) -> str:
    """Read standard input as text, whatever bytes arrive; stop reading past MAX_INPUT_BYTES."""
    data = stream.read(MAX_INPUT_BYTES + 1)
    return data[:MAX_INPUT_BYTES].decode("utf-8", errors="replace")


def _text_argument(args: argparse.Namespace, stdin: IO[bytes], interactive: bool) -> str:
    if args.text is not None:
        return str(args.text)
    if interactive:
        print("Paste the error, then press Ctrl-D on an empty line.", file=sys.stderr)
    return _read_all(stdin)


def _batch(stdin: IO[bytes], stdout: IO[str]) -> int:
    """One classification per JSON line in, in order; a bad line gets an error object, not a crash."""
    failures = 0
    for number, raw in enumerate(stdin, 1):
        line = raw.decode("utf-8", errors="replace").strip()
        if not line:
            continue
        result: dict[str, Any]
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ValueError('expected an object with a "text" string')
            result = classify(item["text"]).to_dict()
        except ValueError as error:
            failures += 1
            result = {"error": f"line {number}: {error}"}
            print(f"why401: line {number}: {error}", file=sys.stderr)
        stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 1 if failures else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for usage errors, as argparse does)."""
    args = _parser().parse_args(argv)
    settings = Settings.from_env()
    stdin, stdout = sys.stdin.buffer, sys.stdout
    if args.command == "probe":
        return probe_command.run(args, settings, stdin, stdout)
    style = Style(color=stdout.isatty() and not settings.no_color)
    if args.command == "classify" and args.jsonl:
        if args.text is not None:
            print("why401: --jsonl reads standard input; do not pass TEXT as well", file=sys.stderr)
            return 2
        return _batch(stdin, stdout)
    text = _text_argument(args, stdin, sys.stdin.isatty())
    diagnosis = classify(text)
    catalog = default_catalog()
    if args.command == "explain":
        stdout.write(answer_text(build_answer(catalog, diagnosis), style))
    elif args.json:
        stdout.write(json.dumps(diagnosis.to_dict(), ensure_ascii=False) + "\n")
    else:
        titles = {cause_id: cause.title for cause_id, cause in catalog.causes.items()}
        stdout.write(diagnosis_summary(diagnosis, titles, style))
    return 0


if __name__ == "__main__":
    sys.exit(main())
