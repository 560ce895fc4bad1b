# One image for the Teilhabe web process (gunicorn), the Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app

# WeasyPrint (Pango, HarfBuzz subsetting, fonts), gettext for compilemessages, Node/npm for the front-end assets.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        fonts-noto-core \
        gettext \
        nodejs \
        npm \
    && rm -rf /var/lib/apt/lists/*

# Unprivileged runtime user; the code stays root-owned and read-only for it.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /home/app --create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Python dependencies first (cached until pyproject.toml or the lock file change).
RUN python -m venv "$VIRTUAL_ENV"
COPY pyproject.toml requirements.lock ./
RUN pip install -c requirements.lock . \
    && rm -rf build *.egg-info

# Front-end dependencies (the KERN UX design system, served as static files).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev \
    && npm cache clean --force

# Application source.
COPY . .

# Translations and static files. Settings refuse to start with DEBUG off and no SECRET_KEY,
# so the build gets a throwaway key that is never used at runtime.
RUN DEBUG=false \
    SECRET_KEY=build-only-not-secret-0f9c2d7e4b1a8c3f6e5d2b9a7c4e1f8d3b6a9c2e5f7d0b4a \
    sh -c 'python manage.py compilemessages --ignore=node_modules \
        && python manage.py collectstatic --noinput' \
    && chown app:app /app/var

USER app

EXPOSE 8000

CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
