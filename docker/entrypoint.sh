#!/bin/sh
# The image's roles. Each needs COMPLAINTS_DATABASE_URL and (but migrate/config) COMPLAINTS_REDIS_URL.
#   api             the intake API (uvicorn, uvloop + httptools) on $PORT (8000), $WEB_CONCURRENCY processes (1)
#   routing-worker  routes new cases, relays the outbox
#   sla-worker      sweeps deadlines: warnings, breaches, escalation
#   smtp            the e-mail channel's SMTP listener (`complaints smtp`)
#   migrate         applies the database migrations, then exits
#   config          `complaints config ...`, e.g. `config apply FILE`, then exits
# Anything else is run as a command. The role is written down for `complaints healthcheck`.
set -eu
role=${1:-api}
[ $# -gt 0 ] && shift
printf '%s\n' "$role" > "${COMPLAINTS_ROLE_FILE:-/tmp/complaints-role}" 2>/dev/null || true
case "$role" in
  api)
    # uvicorn with uvloop + httptools: as fast as granian in bench/intake.py (README, Benchmarks).
    if [ "${WEB_CONCURRENCY:-1}" -gt 1 ] && [ -z "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
      # Several processes behind one port: /metrics adds up what each writes here.
      PROMETHEUS_MULTIPROC_DIR=$(mktemp -d /tmp/prometheus.XXXXXX)
      export PROMETHEUS_MULTIPROC_DIR
    fi
    exec uvicorn intake_api.app:create_app --factory \
      --host "${HOST:-0.0.0.0}" --port "${PORT:-8000}" \
      --loop uvloop --http httptools --workers "${WEB_CONCURRENCY:-1}" \
      --no-access-log --timeout-graceful-shutdown "${GRACEFUL_SHUTDOWN_SECONDS:-20}" "$@" ;;
  routing-worker) exec python -m routing_worker "$@" ;;
  sla-worker) exec python -m sla_worker "$@" ;;
  smtp) exec complaints smtp "$@" ;;
  migrate) exec complaints migrate "$@" ;;
  config) exec complaints config "$@" ;;
  *) exec "$role" "$@" ;;
esac
