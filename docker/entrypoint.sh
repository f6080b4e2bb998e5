#!/bin/sh
# The image's roles; each needs COMPLAINTS_DATABASE_URL and (but migrate) COMPLAINTS_REDIS_URL.
set -e
role=${1:-api}
[ $# -gt 0 ] && shift
case "$role" in
  api) exec uvicorn intake_api.app:create_app --factory --host 0.0.0.0 --port "${PORT:-8000}" --no-access-log "$@" ;;
  routing-worker) exec python -m routing_worker "$@" ;;
  sla-worker) exec python -m sla_worker "$@" ;;
  migrate) exec complaints migrate "$@" ;;
  config) exec complaints config "$@" ;;
  *) exec "$role" "$@" ;;
esac
