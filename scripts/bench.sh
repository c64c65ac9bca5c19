#!/usr/bin/env bash
# npm run bench [-- --smoke] [--only PARTS] [--out DIR]: set-up as for the tests, then the benchmark
# (scripts/bench/main.ts; BENCHMARKS.md says what it measures and how to read it).
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC
bash scripts/setup.sh
# The API and the worker run compiled, as deployed (ts-node alone holds over 100 MB more).
bash scripts/build.sh
exec node -r ./scripts/register.js scripts/bench/main.ts "$@"
