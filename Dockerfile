# syntax=docker/dockerfile:1
# One image for every role; the command picks it (docker/entrypoint.sh):
#   api | routing-worker | sla-worker | smtp | migrate | config apply FILE
# The base image is pinned by tag. Pin it by digest as well (…-slim-bookworm@sha256:…) where a
# registry is reachable to read the digest: the machine this was written on reaches none.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
# Dependencies first, in their own layer: it is rebuilt only when the lock changes.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY alembic.ini ./
COPY migrations ./migrations
COPY src ./src
RUN uv sync --frozen --no-dev && .venv/bin/python -m compileall -q src

FROM ${PYTHON_IMAGE} AS runtime
RUN groupadd --system --gid 10001 complaints \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin complaints
WORKDIR /app
# Owned by root and read-only to the service: it writes nothing but /tmp (the role file).
COPY --from=build /app /app
COPY docker/entrypoint.sh /usr/local/bin/entrypoint
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    COMPLAINTS_LOG_FORMAT=json \
    COMPLAINTS_METRICS_HOST=0.0.0.0 \
    COMPLAINTS_METRICS_PORT=9100
USER 10001:10001
# 8000: the API; 9100: a worker's Prometheus metrics (the API serves /metrics on 8000).
EXPOSE 8000 9100
# One check for every role: `complaints healthcheck` reads the role the entrypoint started.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-m", "complaints.jobs.healthcheck"]
# SIGTERM: the API finishes in-flight requests, a worker its running jobs, then they exit.
STOPSIGNAL SIGTERM
ENTRYPOINT ["entrypoint"]
CMD ["api"]
