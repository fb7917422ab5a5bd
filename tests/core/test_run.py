"""`balai run`: stopping it as a container or service manager does (SIGTERM) also stops the worker it started."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from .as_operator import ROOT, FreshDatabase, operator_env
from .test_serve import free_port, get


def test_sigterm_stops_balai_run_and_its_worker(fresh: FreshDatabase, tmp_path: Path) -> None:
    env = operator_env(fresh, tmp_path, ALLOWED_HOSTS="127.0.0.1")
    port = free_port()
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "balai.cli", "run", "--no-demo", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    children: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, f"balai run exited with {process.returncode}:\n{log.read_text()}"
            try:
                status, _, _ = get(port, "/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, f"balai run did not answer within 180 s:\n{log.read_text()}"
                time.sleep(0.3)
        children = psutil.Process(process.pid).children(recursive=True)
        commands = [" ".join(child.cmdline()) for child in children]
        assert any("balai.cli worker" in command for command in commands), commands

        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        left = [child for child in children if child.is_running() and child.status() != psutil.STATUS_ZOMBIE]
        for child in left:  # never leave a worker behind, even when the test fails
            child.kill()

    assert status == 200
    assert left == [], f"still running after SIGTERM: {[c.cmdline() for c in left]}"
