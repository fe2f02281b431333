"""Machine instructions the classifier spends per error paste, counted by valgrind: a figure that the host's
noise does not move, for comparing two versions of the code where wall-clock timings on a busy machine cannot.

Run: python bench/instructions.py [--pastes N]. It runs itself again under `valgrind --tool=callgrind`,
counting only while the pastes are classified (the catalog's loading and a warm-up pass are left out).
Takes about a minute; needs valgrind. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.classify import workloads
from knowledge.classify import classify

_INSIDE = "WHY401_COUNTING"  # set in the run under valgrind
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def _classify_counted(count: int) -> None:
    """Under valgrind: classify `count` bench pastes once uncounted, then again with counting switched on."""
    pastes = workloads()[1][:count]
    for paste in pastes:
        classify(paste)
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "--instr=on", pid], check=True, capture_output=True)
    for paste in pastes:
        classify(paste)
    subprocess.run(["callgrind_control", "--instr=off", pid], check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pastes", type=int, default=100, help="bench pastes to classify (default 100)")
    args = parser.parse_args()
    if os.environ.get(_INSIDE):
        _classify_counted(args.pastes)
        return
    if shutil.which("valgrind") is None:
        sys.exit("bench/instructions.py needs valgrind (apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as scratch:
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={scratch}/callgrind.out",
            sys.executable,
            __file__,
            f"--pastes={args.pastes}",
        ]
        # a fixed hash seed keeps set and dict orders, and so the count, the same from run to run
        environment = {**os.environ, _INSIDE: "1", "PYTHONHASHSEED": "0"}
        run = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    collected = _COLLECTED.search(run.stderr)
    if run.returncode != 0 or collected is None:
        sys.exit(f"valgrind run failed ({run.returncode}):\n{run.stderr[-2000:]}")
    per_paste = int(collected.group(1)) / args.pastes
    print(f"{args.pastes} error pastes (0.2-4 KB): {per_paste / 1e6:.2f} M instructions per paste")


if __name__ == "__main__":
    main()
