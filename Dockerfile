# syntax=docker/dockerfile:1
# certsvc: one image for web (gunicorn), Celery worker, beat and the one-shot migration.

# --- builder: compilers and headers; builds the virtualenv of dependencies ----------
FROM python:3.11.14-slim-bookworm AS builder

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential=12.9 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"

# The dependencies of pyproject.toml only: the code is copied as source into the final stage.
COPY pyproject.toml README.md ./
COPY certsvc/__init__.py certsvc/__init__.py
RUN pip install --no-compile . \
    && pip uninstall --yes certsvc

# --- runtime: slim, no compilers, non-root, read-only root filesystem --------------
FROM python:3.11.14-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/opt/venv/bin:$PATH" \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=certsvc.settings \
    DEBUG=false \
    VAR_DIR=/app/var \
    MEDIA_ROOT=/app/media \
    LOG_FORMAT=json

RUN groupadd --system --gid 10001 certsvc \
    && useradd --system --uid 10001 --gid certsvc --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin certsvc

WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
COPY manage.py ./
COPY certsvc certsvc
COPY certificates certificates
COPY signing signing

# Static files are built into the image (STATIC_ROOT is $VAR_DIR/static); the settings
# refuse DEBUG=false without secrets, so this one step gets throwaway values.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    SIGNING_KEK=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown certsvc:certsvc /app/media

USER 10001:10001

EXPOSE 8000 9100

HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

CMD ["gunicorn", "certsvc.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "--graceful-timeout", "30", "--timeout", "60"]
