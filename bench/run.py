"""`make bench`: every figure on SQLite, then on a throw-away PostgreSQL; results to bench/results/, summary last.

    BENCH_SCALE=small uv run python -m bench.run     # 10,000 and 100,000 reports (about 5 minutes)
    BENCH_SCALE=full  uv run python -m bench.run     # 10,000 and 1,000,000 reports

The last line is `key=value` pairs: first the worst of the two databases under the plain names
(`intake_ratio scale_ratio_max form_kb home_kb rss_mb`), then each database's own figures
(`sqlite_…`, `pg_…`), the gzip estimates of the page weights, then the keys added later (every key and its
meaning: `bench.figures.KEYS`, bench/README.md). A run that did not keep its word (an error answer, a write
acknowledged but not stored, on any side of a ratio) exits non-zero and prints no summary line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from . import modules as bench_modules
from .figures import GOALS, result_problems, summary_line

ROOT = Path(__file__).absolute().parent.parent
SCALES = {"tiny": (1_000, 3_000), "small": (10_000, 100_000), "full": (10_000, 1_000_000)}  # tiny: a smoke test


def _git(*args: str) -> str:
    git = shutil.which("git")
    if not git:
        return ""
    try:
        command = [git, "--no-optional-locks", *args]  # read only: never takes the index lock
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603
    except (subprocess.CalledProcessError, OSError):
        return ""


def git_info() -> dict[str, Any]:
    """The commit measured, taken when the run starts. Outside a git checkout (a `git archive`), the commit comes
    from BENCH_GIT_COMMIT if set, and the file says so."""
    commit = _git("rev-parse", "HEAD")
    if not commit:
        given = os.environ.get("BENCH_GIT_COMMIT", "")
        return {"commit": given or None, "dirty": None, "source": "BENCH_GIT_COMMIT" if given else "no git checkout"}
    changed = [line for line in _git("status", "--porcelain").splitlines() if line.strip()]
    return {
        "commit": commit,
        "dirty": bool(changed),
        "changed_files": changed[:50],
        "branch": _git("rev-parse", "--abbrev-ref", "HEAD"),
        "commit_date": _git("show", "-s", "--format=%cI", "HEAD"),
        "source": "git",
    }


def _version(distribution: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def machine_info() -> dict[str, Any]:
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu_model = platform.processor()
    import sqlite3

    import django

    memory = psutil.virtual_memory()
    return {
        "cores": os.cpu_count(),
        "physical_cores": psutil.cpu_count(logical=False),
        "ram_gb": round(memory.total / 2**30, 1),
        "ram_bytes": memory.total,
        "ram_available_gb_at_start": round(memory.available / 2**30, 1),
        "cpu_model": cpu_model,
        "os": platform.platform(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "django": django.get_version(),
        "sqlite_library": sqlite3.sqlite_version,
        "psycopg": _version("psycopg"),
        "gunicorn": _version("gunicorn"),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def measure(names: list[str], *, small: int, large: int, data_dir: Path, extra: list[str]) -> dict[str, dict[str, Any]]:
    """Run bench.measure for each database side by side: they generate together, then take turns to time."""
    barrier = data_dir / "barrier"
    shutil.rmtree(barrier, ignore_errors=True)
    barrier.mkdir(parents=True)
    processes = {}
    for name in names:
        out = data_dir / f"{name}.json"
        out.unlink(missing_ok=True)
        command = [
            sys.executable, "-m", "bench.measure", "--small", str(small), "--large", str(large), "--out", str(out),
            "--barrier", str(barrier), "--parties", str(len(names)), *extra,
        ]  # fmt: skip
        env = {**os.environ, "BALAI_DATA_DIR": str(data_dir)}
        if name == "sqlite":
            for leftover in data_dir.glob("bench*.sqlite3*"):
                leftover.unlink()
            env["DATABASE_URL"] = f"sqlite:///{data_dir / 'bench.sqlite3'}"
        else:
            command = [str(ROOT / "scripts" / "with-postgres.sh"), *command]
        processes[name] = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    failed = [name for name, process in processes.items() if process.wait() != 0]
    if failed:
        raise SystemExit(f"bench: the run on {', '.join(failed)} failed (see above); no figures")
    results = {name: dict(json.loads((data_dir / f"{name}.json").read_text())) for name in names}
    # bench.measure fails on these itself; checked again here, since no summary may come out of a broken run.
    problems = [f"{name}: {problem}" for name, result in results.items() for problem in result_problems(result)]
    if problems:
        raise SystemExit("bench: the run did not keep its word; no figures:\n  " + "\n  ".join(problems))
    return results


def print_table(databases: dict[str, dict[str, Any]]) -> None:
    for name, result in databases.items():
        db = result["database"]
        print(f"\n{name} {db['version']}: {result['small']:,} → {result['large']:,} reports")
        gen = ", ".join(f"{g['reports']:,} in {g['seconds']} s ({g['per_second']:,}/s)" for g in result["generation"])
        print(f"  generation: {gen}")
        intake = result["intake"]
        visit = intake["visit"]
        print(
            f"  intake: form POST {intake['form']['per_second']} reports/s, baseline {intake['baseline']['per_second']} "
            f"inserts/s, ratio {intake['ratio']} (goal {GOALS['intake_ratio']}); same writes in plain SQL "
            f"{intake['same_writes']['per_second']}/s, ratio {intake['same_writes_ratio']} (goal "
            f"{GOALS['intake_same_writes_ratio']}); whole visit (GET + POST) {visit['per_second']} reports/s, ratio "
            f"{intake['visit_ratio']}; stored as acknowledged: {intake['stored']['sent']} reports"
        )
        print(f"  {'page':<16}{'p95 small ms':>14}{'p95 large ms':>14}{'ratio':>8}")
        for page, figures in result["scale"]["pages"].items():
            if "skipped" in figures:
                print(f"  {page:<16}  skipped: {figures['skipped']}")
                continue
            print(
                f"  {page:<16}{figures['small']['p95_ms']:>14}{figures['large']['p95_ms']:>14}{figures['p95_ratio']:>8}"
            )
        w = result["weight"]
        print(
            f"  weight: home {w['home']['kb']} KB ({w['home']['kb_gzip']} KB with gzipped HTML), "
            f"form {w['form']['kb']} KB ({w['form']['kb_gzip']} KB); Leaflet not counted (loaded on demand)"
        )
        cold = result["home_cold"]
        print(
            f"  home with its figures recounted: p95 {cold['small']['p95_ms']} ms at SMALL, {cold['large']['p95_ms']} "
            f"ms at LARGE, ratio {cold['p95_ratio']}"
        )
        print(f"  memory: peak worker RSS {result['memory']['peak_rss_mb']} MB (goal {GOALS['rss_mb']})")


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the whole bench; see bench/README.md.")
    parser.add_argument("--scale", choices=sorted(SCALES), default=os.environ.get("BENCH_SCALE", "small"))
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="measure one database only")
    parser.add_argument("--lighthouse", action="store_true", default=os.environ.get("BENCH_LIGHTHOUSE") == "1")
    parser.add_argument(
        "--no-modules", action="store_true", default=os.environ.get("BENCH_MODULES") == "0",
        help="skip the service modules' benches (bench.modules; BENCH_MODULES=0)",
    )  # fmt: skip
    args, extra = parser.parse_known_args()
    started = time.monotonic()
    small, large = SCALES[args.scale]
    data_dir = ROOT / "var" / "bench"
    data_dir.mkdir(parents=True, exist_ok=True)
    info = machine_info()
    git = git_info()
    names = [name for name in ("sqlite", "postgresql") if args.only in (None, name)]
    databases = measure(names, small=small, large=large, data_dir=data_dir, extra=extra)
    lighthouse = None
    if args.lighthouse:
        lh_out = data_dir / "lighthouse.json"
        subprocess.run([str(ROOT / "bench" / "lighthouse.sh"), str(lh_out)], cwd=ROOT, check=True)  # noqa: S603
        lighthouse = json.loads(lh_out.read_text())
    modules = None if args.no_modules else bench_modules.run()
    elapsed = round(time.monotonic() - started, 1)
    info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    results = {
        "timestamp": stamp,
        "scale": args.scale,
        "small": small,
        "large": large,
        "seconds": elapsed,
        "git": git,
        "machine": {**info, "databases": {n: r["database"] for n, r in databases.items()}},
        "goals": GOALS,
        "results": databases,
        "lighthouse": lighthouse,
        "modules": modules,
    }
    line = summary_line(databases, lighthouse, modules["figures"] if modules else None)
    results["summary"] = line
    path = ROOT / "bench" / "results" / f"{stamp}-{args.scale}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    print_table(databases)
    if modules:
        print("\nservice modules (SQLite, each its own databases; bench/README.md):")
        for key, value in modules["figures"].items():
            print(f"  {key:<24}{value:>8}  goal {GOALS.get(key, '(none)')}")
    print(f"\nmake bench took {elapsed:.0f} s; results in {path.relative_to(ROOT)}")
    print(line)


if __name__ == "__main__":
    main()
