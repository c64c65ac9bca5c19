#!/usr/bin/env bash
# The main job: set up, then replay the networks' 2021 register (see README). Output in out/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node -r ./scripts/register.js apps/worker/src/cli.ts demo "$@"
