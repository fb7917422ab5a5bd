"""`make test` keeps a file's tests on one pytest-xdist worker (tests/conftest.py marks each test with its file as
its group; `--dist loadgroup`): module fixtures are made once, and a file's expensive setup is not paid twice.
pytest 9 stopped reading the node ids xdist rewrites to name the groups, and every file was quietly split over both
workers; this runs a small suite the way the Makefile does and reads where each test ran."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FILES = ("tests/bench/test_figures.py", "tests/bench/test_modules.py", "tests/lib/test_text.py")


def test_each_files_tests_run_on_one_worker_and_every_worker_gets_work(tmp_path: Path) -> None:
    # A database of its own: the inner run's workers are also named gw0 and gw1, as this run's are.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'groups.sqlite3'}"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-n", "2", "--dist", "loadgroup", "-p", "no:randomly", *FILES],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    workers: dict[str, set[str]] = defaultdict(set)
    ran = 0
    for line in done.stdout.splitlines():
        found = re.match(r"\[(gw\d+)\] .*PASSED (\S+?)::\S+@(\S+)", line)
        if found:
            worker, path, group = found.groups()
            assert group == path  # the group is the file
            workers[path].add(worker)
            ran += 1
    assert ran >= 40, done.stdout[-3000:]  # every test was tagged with its group
    assert set(workers) == set(FILES)
    assert all(len(on) == 1 for on in workers.values()), dict(workers)
    assert len(set().union(*workers.values())) == 2  # and the files were shared out
