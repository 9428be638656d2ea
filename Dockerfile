# syntax=docker/dockerfile:1
# Build stage: install the project and its dependencies into a virtual environment.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY app ./app
RUN /opt/venv/bin/pip install .

# Runtime stage: the virtual environment, migrations, templates and content; no build tools.
FROM python:3.11-slim
ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CONSULT_ENV=production \
    CONSULT_VAR_DIR=/data \
    CONSULT_CONTENT_DIR=/srv/consult/content \
    WORKERS=2
RUN useradd --system --uid 10001 --home-dir /srv/consult consult \
    && mkdir -p /data /srv/consult && chown consult:consult /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /srv/consult
COPY migrations ./migrations
COPY templates ./templates
COPY content ./content
USER consult
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"
CMD ["sh", "-c", "consult migrate && consult content import --if-empty && exec consult serve --host 0.0.0.0 --port 8000 --workers ${WORKERS}"]
