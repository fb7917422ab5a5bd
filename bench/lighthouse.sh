#!/usr/bin/env bash
# Lighthouse (mobile profile) on the home page and the report form of a demo server this script starts.
#   bench/lighthouse.sh [OUT.json]
# Without OUT the scores are merged into the newest bench/results/*.json (or a new -lighthouse.json file).
# Installs what it needs: npm (apt) and lighthouse into .cache/lighthouse (git-ignored), chromium (apt).
set -euo pipefail
cd "$(dirname "$0")/.."
LIGHTHOUSE_VERSION=12.8.2  # 13.x needs Node 22; Debian 12 has 18
RUN=${RUN:-python3 -m uv run --frozen --quiet}
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
out=${1:-}
prefix=.cache/lighthouse
data=$PWD/var/lighthouse

need_apt() {
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
command -v npm >/dev/null 2>&1 || need_apt nodejs npm
command -v chromium >/dev/null 2>&1 || need_apt chromium
if [ ! -x "$prefix/node_modules/.bin/lighthouse" ]; then
  echo "installing lighthouse $LIGHTHOUSE_VERSION into $prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "lighthouse@$LIGHTHOUSE_VERSION" >/dev/null
fi

# A fresh demo database and a real server (gunicorn, static files through WhiteNoise as in production).
rm -rf "$data" && mkdir -p "$data"
export BALAI_DATA_DIR=$data DATABASE_URL=sqlite:///$data/db.sqlite3 DJANGO_SETTINGS_MODULE=balai.settings LOG_LEVEL=WARNING
$RUN python manage.py migrate -v0
$RUN python manage.py createcachetable
$RUN python manage.py demo >/dev/null
$RUN python manage.py collectstatic --noinput -v0
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
$RUN python -m gunicorn balai.wsgi:application --bind "127.0.0.1:$port" --workers 2 --no-control-socket \
  --log-level warning >"$data/gunicorn.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
python3 - "$port" <<'PY'
import sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=2)
        break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit("the server did not start; see var/lighthouse/gunicorn.log")
PY

export CHROME_PATH=/usr/bin/chromium
for page in home:/ form:/lapor/; do
  name=${page%%:*} path=${page#*:}
  # A server in service has compiled its templates and filled its per-process copies: warm both workers first,
  # so that Lighthouse does not time the first request a fresh process ever answers.
  python3 -c 'import sys, urllib.request
for _ in range(6): urllib.request.urlopen(sys.argv[1], timeout=30).read()' "http://127.0.0.1:$port$path"
  echo "lighthouse: $name (http://127.0.0.1:$port$path)"
  "$prefix/node_modules/.bin/lighthouse" "http://127.0.0.1:$port$path" --quiet --output=json \
    --output-path="$data/$name.json" --only-categories=performance,accessibility --form-factor=mobile \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run" \
    || { echo "lighthouse failed on $name" >&2; exit 1; }
done

$RUN python - "$data" "$out" <<'EOF'
"""Scores and failing audits from Lighthouse's reports, into the results JSON."""
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

data, out = Path(sys.argv[1]), sys.argv[2]
pages = {}
for name in ("home", "form"):
    report = json.loads((data / f"{name}.json").read_text())
    scores, failing = {}, {}
    for key, category in report["categories"].items():
        scores[key] = round(category["score"] * 100) if category["score"] is not None else None
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if audit.get("score") is not None and audit["score"] < 1 and audit["scoreDisplayMode"] in ("binary", "numeric", "metricSavings"):
                failing.setdefault(key, []).append(
                    {"id": audit["id"], "score": audit["score"], "value": audit.get("displayValue", ""), "weight": ref.get("weight", 0)}
                )
    metrics = {
        m: report["audits"][m].get("displayValue", "")
        for m in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index", "total-byte-weight")
        if m in report["audits"]
    }
    pages[name] = {**scores, "metrics": metrics, "failing_audits": failing, "lighthouse": report["lighthouseVersion"]}
result = {"profile": "mobile (simulated throttling)", "pages": pages}
if out:
    target = Path(out)
    target.write_text(json.dumps(result, indent=2) + "\n")
else:
    found = sorted(Path("bench/results").glob("*.json"))
    if found:
        target = found[-1]
        merged = json.loads(target.read_text())
        merged["lighthouse"] = result
        target.write_text(json.dumps(merged, indent=2) + "\n")
    else:
        target = Path("bench/results") / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-lighthouse.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps({"lighthouse": result}, indent=2) + "\n")
for name, page in pages.items():
    fails = "; ".join(f"{a['id']} ({a['value'] or a['score']})" for audits in page["failing_audits"].values() for a in audits)
    print(f"lighthouse {name}: performance {page['performance']}, accessibility {page['accessibility']}; not passed: {fails or 'none'}")
print(f"lighthouse scores written to {target}")
EOF
