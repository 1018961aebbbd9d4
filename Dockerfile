# Mend in a container: a slim Python, a non-root user, the database in a volume, a graceful stop on
# SIGTERM, and a health check. Build and run it with compose.yaml (see the README).
#
# Not run by CI (CI has no Docker engine): tests/e2e/test_packaging.py builds the same wheel, installs
# it in a clean virtual environment and runs this file's CMD and HEALTHCHECK commands there.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY migrations ./migrations
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_PATH=/data/mend.sqlite3 \
    METRICS_PORT=9108
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin mend \
    && mkdir /data \
    && chown mend:mend /data
COPY --from=build /wheels /wheels
# The build stage resolved every version; this installs exactly those wheels, from the image alone.
# hadolint ignore=DL3013
RUN pip install --no-cache-dir --no-index --find-links /wheels mend \
    && rm -rf /wheels
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
# Mend lets running answers and the check-in sweep finish (up to 10 s), then closes Discord and the
# database; give it the time with `stop_grace_period` (compose.yaml) or `docker stop --time 30`.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 CMD ["python", "-m", "bot", "health"]
CMD ["python", "-m", "bot"]
