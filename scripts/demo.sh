#!/usr/bin/env bash
# The main job: set up, then replay the networks' 2021 register (see README). Output in out/demo.
# Then the API serves the web view over the demo's database until Ctrl-C: with --serve, or by default when
# stdout is a terminal; with --no-serve, or without a terminal (CI, a pipe), it ends after the report.
# Other arguments go to the demo command (npm run cli -- demo --out DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
serve=auto
why=--no-serve
out=out/demo
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --serve) serve=yes ;;
    --no-serve) serve=no ;;
    --out) args+=("$1"); if [ $# -gt 1 ]; then out=$2; args+=("$2"); shift; fi ;;
    --out=*) out=${1#--out=}; args+=("$1") ;;
    *) args+=("$1") ;;
  esac
  shift
done
if [ "$serve" = auto ]; then
  if [ -t 1 ]; then serve=yes; else serve=no; why="no terminal"; fi
fi

bash scripts/setup.sh
node -r ./scripts/register.js apps/worker/src/cli.ts demo ${args[@]+"${args[@]}"}

# The demo command writes its database's URL there (apps/worker/src/cli/demo.ts, DEMO_DATABASE_URL_FILE).
db=$(cat "$out/database-url")
echo
if [ "$serve" = no ]; then
  echo "Not serving ($why): npm run demo -- --serve keeps the web view open, or DATABASE_URL=$db npm run api"
  exit 0
fi
port=${PORT:-3000}
# Bound as the API binds it (every address): a failure here is a port another program holds.
if ! node -e 'const s=require("net").createServer();s.once("error",()=>process.exit(1));s.listen(+process.argv[1],()=>s.close(()=>process.exit(0)))' "$port"; then
  echo "Cannot serve: port $port is taken (another npm run api?). Stop what listens there, or choose another port:" >&2
  echo "  PORT=3001 PUBLIC_URL=http://localhost:3001 npm run demo -- --serve" >&2
  echo "or serve the demo's database later: DATABASE_URL=$db npm run api" >&2
  exit 1
fi
echo "Serving until Ctrl-C (the API on port $port, over $db)"
# The replay's queue prefix (runDemo): jobs the API queues never reach a worker of another database.
exec env DATABASE_URL="$db" QUEUE_PREFIX="${QUEUE_PREFIX:-rogatory}-demo" node -r ./scripts/register.js apps/api/src/main.ts
