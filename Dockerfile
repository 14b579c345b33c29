# interview-bot for production: `docker compose up` (compose.yaml) runs it with PostgreSQL.
# Slim, non-root, and no secrets inside: every token comes from the environment at run time.

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY adapters ./adapters
COPY storage ./storage
# A virtualenv, so the runtime stage copies one folder and no build tools.
RUN python -m venv /opt/venv && /opt/venv/bin/pip install '.[postgres]'

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN groupadd --system --gid 10001 bot \
    && useradd --system --uid 10001 --gid bot --home-dir /app --create-home \
       --shell /usr/sbin/nologin bot
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
USER 10001:10001
# Slack HTTP mode (/slack/events) and its health endpoint (/healthz).
EXPOSE 3000
ENTRYPOINT ["interview-bot"]
CMD ["run", "--slack", "--http", "--port", "3000"]
