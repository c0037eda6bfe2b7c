#!/usr/bin/env bash
# The project's test command (make test / .ci/run): services, lint, types, then the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
if [ -z "${GENGUARD_TEST_PG_URL:-}" ]; then
  GENGUARD_TEST_PG_URL=$(bash scripts/setup-postgres.sh || true)
  export GENGUARD_TEST_PG_URL
fi
if [ -z "${GENGUARD_CHROMIUM:-}" ]; then
  GENGUARD_CHROMIUM=$(bash scripts/setup-chromium.sh || true)
  export GENGUARD_CHROMIUM
fi
[ -n "$GENGUARD_TEST_PG_URL" ] && echo "PostgreSQL tests: $GENGUARD_TEST_PG_URL" || echo "PostgreSQL tests: SKIPPED (no server could be started)"
[ -n "$GENGUARD_CHROMIUM" ] && echo "Browser tests: $GENGUARD_CHROMIUM" || echo "Browser tests: SKIPPED (no Chromium)"
echo "== ruff"; $VENV/bin/ruff check src tests bench
echo "== mypy"; $VENV/bin/mypy
echo "== pytest"
export GENGUARD_HOME="${GENGUARD_HOME:-$(mktemp -d)}"
# Two processes (pytest-xdist) use both cores of the supported machine: the suite halves to ~6
# minutes. Every test isolates its GENGUARD_HOME, ports (port 0) and PostgreSQL database
# (uuid-named), so the order and the split between workers do not matter.
# GENGUARD_TEST_WORKERS=0 runs in one process (e.g. to debug with -x --pdb).
exec $VENV/bin/pytest -q -p no:cacheprovider -n "${GENGUARD_TEST_WORKERS:-2}" "$@"
