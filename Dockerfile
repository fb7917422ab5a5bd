# syntax=docker/dockerfile:1
# Balai in one image: the web server (`balai serve`, the default) and the task worker (`balai worker`).
# Used by compose.yaml; see docs/deploy.md, "Docker Compose".
FROM python:3.11-slim

COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /usr/local/bin/uv

ENV PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/balai/venv \
    PATH=/opt/balai/venv/bin:$PATH \
    BALAI_DATA_DIR=/data \
    STATIC_ROOT=/opt/balai/static

WORKDIR /opt/balai/src

# Dependencies first, in their own layer: a code change does not reinstall them.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project

COPY . .
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev

# Static files are part of the image (hashed names, compressed); WhiteNoise serves them. The key is only
# for this build step: settings need one, and none must be written into the image.
RUN SECRET_KEY=collectstatic-at-build-time-only-not-a-real-key-0123456789 \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    balai collectstatic --noinput --verbosity 0 \
 && rm -f /tmp/build.sqlite3

RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin balai \
 && mkdir -p /data \
 && chown balai:balai /data
USER balai

EXPOSE 8000
CMD ["balai", "serve", "0.0.0.0:8000"]
