#!/usr/bin/env bash
# Everything a command needs on a fresh machine: dependencies (npm ci when node_modules is missing or older
# than package-lock.json), the web view built (npm run build:web when dist/web/index.html is missing or older
# than a file of apps/web or libs/workflow/src) and PostgreSQL and Redis reachable. Migrations run in the
# commands themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then echo "setup: Node.js 20 or newer is needed (found $(node -v 2>/dev/null || echo none))" >&2; exit 1; fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi
if [ ! -f dist/web/index.html ] || [ -n "$(find apps/web libs/workflow/src -type f -newer dist/web/index.html -print -quit)" ]; then
  echo "setup: building the web view (npm run build:web)" >&2
  npm run -s build:web >&2
fi
bash scripts/services.sh
