"""The service modules' own benches, run one after another by `make bench` (bench.run) after the reporting figures.

Each module bench builds its own throw-away SQLite database(s) at the sizes its issue names and prints its figures
as `key=value` pairs (keys in bench.figures.KEYS); this runs each in a child process and collects those pairs.
A module bench that fails (a page answered an error, a size could not be built) fails the whole run: no figures.

    uv run python -m bench.modules                    # every module bench, then their pairs on the last line
    uv run python -m bench.modules --only kinerja     # one of them
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .figures import KEYS, format_summary

ROOT = Path(__file__).absolute().parent.parent

# (name, arguments of `python -m`): the sizes of each issue's goal.
BENCHES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ppid", ("bench.ppid", "--small", "1000", "--large", "100000", "--rounds", "20")),
    ("spbe", ("bench.spbe",)),
    ("desa", ("bench.desa",)),
    ("kinerja", ("bench.kinerja", "--requests", "40")),
    ("open_data", ("bench.open_data", "--small", "100", "--large", "10000", "--requests", "40")),
    ("situs", ("bench.situs", "--small", "10x200", "--large", "100x2000", "--requests", "40")),
)
_PAIR = re.compile(r"\b([a-z][a-z0-9_]*)=(-?[0-9]+(?:\.[0-9]+)?)\b")


def pairs_of(output: str) -> dict[str, float]:
    """The documented `key=value` pairs a module bench printed (the last value of a key wins)."""
    found: dict[str, float] = {}
    for key, value in _PAIR.findall(output):
        if key in KEYS:
            found[key] = float(value)
    return found


def run(names: list[str] | None = None) -> dict[str, Any]:
    """Run the module benches (all, or those named); their pairs, and how long each took."""
    figures: dict[str, float] = {}
    seconds: dict[str, float] = {}
    for name, arguments in BENCHES:
        if names and name not in names:
            continue
        started = time.monotonic()
        print(f"bench: module {name}: {' '.join(arguments)}", flush=True)
        done = subprocess.run(  # noqa: S603 - this interpreter, our own modules
            [sys.executable, "-m", *arguments], cwd=ROOT, capture_output=True, text=True, check=False
        )
        seconds[name] = round(time.monotonic() - started, 1)
        found = pairs_of(done.stdout)
        if done.returncode != 0 or not found:
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
            raise SystemExit(f"bench: the {name} bench failed (exit {done.returncode}); no figures:\n{tail}")
        print(f"bench: module {name}: {format_summary(found)} ({seconds[name]:.0f} s)", flush=True)
        figures.update(found)
    return {"figures": figures, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--only", action="append", choices=[name for name, _ in BENCHES])
    args = parser.parse_args()
    result = run(args.only)
    print(format_summary(result["figures"]))


if __name__ == "__main__":
    main()
