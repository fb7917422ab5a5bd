#!/usr/bin/env bash
# Follow docs/deploy.md on this machine (scripts/deploy_smoke.py): a throw-away PostgreSQL, balai serve and
# balai worker, nginx with the shipped site and a self-signed certificate, a citizen's report, backup, restore,
# and an upgrade reload probed every 100 ms. Needs nginx and openssl; runs as any user.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in nginx openssl; do
  command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin"
  command -v "$tool" >/dev/null 2>&1 || { echo "deploy smoke: $tool is not installed (apt-get install nginx openssl)" >&2; exit 1; }
done
export PATH="$PATH:/usr/sbin:/sbin"
exec scripts/with-postgres.sh .venv/bin/python -m scripts.deploy_smoke "$@"
