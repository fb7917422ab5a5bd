#!/usr/bin/env bash
# Make `$PYTHON -m uv` work, quietly: nothing is printed when uv is already there or installs cleanly.
#   PYTHON=python3 scripts/ensure-uv.sh     (PYTHONUSERBASE chooses where a --user install goes)
# Debian 12 and Ubuntu 24.04 mark the system Python "externally managed" (PEP 668): pip refuses even a
# --user install and prints a long error. Only then is the install repeated with --break-system-packages,
# which is harmless for a --user install (apt's packages are not touched); the refusal is shown only if
# that fails too.
set -uo pipefail
PYTHON=${PYTHON:-python3}
"$PYTHON" -m uv --version >/dev/null 2>&1 && exit 0

pip_install() { "$PYTHON" -m pip install --quiet --disable-pip-version-check --no-cache-dir --user "$@" uv 2>&1; }

if first=$(pip_install); then
  exit 0
fi
if grep -q "externally-managed-environment" <<<"$first"; then
  if second=$(pip_install --break-system-packages); then
    echo "uv installed for this user with pip --user (the system Python is managed by apt and was not changed)"
    exit 0
  fi
  printf '%s\n' "$first" "$second" >&2
else
  printf '%s\n' "$first" >&2
fi
echo "make install: could not install uv with $PYTHON -m pip; install it another way (https://docs.astral.sh/uv/) and run make again" >&2
exit 1
