#!/usr/bin/env bash
# The whole check, as CI runs it: set-up (with the web view built, and Chromium for the browser tests:
# scripts/chromium.sh), type-check, lint (with Nx module boundaries), entities vs migrations, a smoke run
# of the benchmark, then unit, integration and e2e tests against real PostgreSQL, Redis and SMTP.
# Ends with one line "N passed, N failed" (checks and tests together); exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC
bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
# Chromium for the browser tests; never stops the run (without it those tests fail, naming the executable).
bash scripts/chromium.sh

passed=0
failed=0
check() { # name command...
  local name=$1; shift
  echo "== $name" >&2
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $name" >&2; fi
}
check "type-check (tsc --noEmit)" npx tsc -p tsconfig.json --noEmit
check "type-check of the web view (tsc -p apps/web/src)" npx tsc -p apps/web/src/tsconfig.json --noEmit
check "lint (eslint, Nx module boundaries)" bash -c 'NX_DAEMON=false npx nx show projects >/dev/null && npx eslint .'
check "formatting (prettier)" npx prettier --check --log-level warn .
check "entities and migrations agree" bash -c 'DATABASE_URL="${DATABASE_URL:-postgresql://root@127.0.0.1:5432/rogatory}" node -r ./scripts/register.js apps/worker/src/cli.ts migration:check >/dev/null'

# The benchmark with small sizes: it runs end to end and its correctness checks hold (no speed target is checked here).
check "benchmark smoke run (npm run bench -- --smoke)" bash scripts/bench.sh --smoke

summary=$(mktemp)
echo "== tests (jest: unit, integration, e2e)" >&2
JEST_SUMMARY_FILE="$summary" npx jest --runInBand "$@"
jest_status=$?
if [ -s "$summary" ]; then
  read -r jp jf < "$summary"
else
  jp=0; jf=1
fi
[ "$jest_status" -ne 0 ] && [ "$jf" -eq 0 ] && jf=1
rm -f "$summary"
passed=$((passed + jp))
failed=$((failed + jf))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
