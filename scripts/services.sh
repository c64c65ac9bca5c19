#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer where DATABASE_URL and REDIS_URL point (defaults: 127.0.0.1:5432,
# 127.0.0.1:6379). In order: already running -> `docker compose up` when a Docker engine answers -> the
# start commands of locally installed packages (Debian's postgresql and redis-server) -> explain and fail.
set -euo pipefail
cd "$(dirname "$0")/.."

hostport() { # URL default-port -> "host port"
  node -e 'const u=new URL(process.argv[1]);console.log(u.hostname.replace(/^\[|\]$/g,"")+" "+(u.port||process.argv[2]))' "$1" "$2"
}
reachable() { # host port
  node -e 'const s=require("net").connect(+process.argv[2],process.argv[1]);s.setTimeout(2000);s.on("connect",()=>process.exit(0));s.on("error",()=>process.exit(1));s.on("timeout",()=>process.exit(1))' "$1" "$2"
}
wait_for() { # name host port seconds
  for _ in $(seq 1 "$4"); do reachable "$2" "$3" && return 0; sleep 1; done
  return 1
}

read -r PG_HOST PG_PORT < <(hostport "${DATABASE_URL:-postgresql://root@127.0.0.1:5432/rogatory}" 5432)
read -r REDIS_HOST REDIS_PORT < <(hostport "${REDIS_URL:-redis://127.0.0.1:6379}" 6379)

missing=()
reachable "$PG_HOST" "$PG_PORT" || missing+=(postgres)
reachable "$REDIS_HOST" "$REDIS_PORT" || missing+=(redis)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "services: not reachable: ${missing[*]}" >&2
if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  echo "services: starting ${missing[*]} with docker compose" >&2
  docker compose up -d "${missing[@]}" >&2
else
  for s in "${missing[@]}"; do
    case "$s" in
      postgres)
        if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
          echo "services: starting the local PostgreSQL cluster" >&2
          pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >&2 || true
        fi ;;
      redis)
        if command -v redis-server >/dev/null 2>&1; then
          echo "services: starting a local redis-server on port $REDIS_PORT" >&2
          redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no >&2 || true
        fi ;;
    esac
  done
fi

ok=1
wait_for postgres "$PG_HOST" "$PG_PORT" 60 || { ok=0; echo "services: PostgreSQL is not reachable at $PG_HOST:$PG_PORT" >&2; }
wait_for redis "$REDIS_HOST" "$REDIS_PORT" 30 || { ok=0; echo "services: Redis is not reachable at $REDIS_HOST:$REDIS_PORT" >&2; }
if [ "$ok" = 0 ]; then
  cat >&2 <<'MSG'
Start them, then run the command again. Any of:
  - with Docker:   docker compose up -d postgres redis
  - Debian/Ubuntu: apt-get install -y postgresql redis-server, then
                   pg_ctlcluster --skip-systemctl-redirect <version> main start
                   redis-server --daemonize yes --bind 127.0.0.1 --port 6379
  - elsewhere:     point DATABASE_URL and REDIS_URL at a PostgreSQL (13+) and a Redis (6.2+) you run.
PostgreSQL must let the user in DATABASE_URL create databases (the demo and the tests create their own).
MSG
  exit 1
fi
