# web21-sandbox for workshops: one container, every participant an isolated contract and clock.
#   docker build -t web21-sandbox .
#   docker run -p 8021:8021 -e WEB21_SANDBOX_ADMIN_KEY=change-me -v web21-data:/app/var web21-sandbox
# Same install steps as the README: `make` creates .venv and installs the package.
FROM python:3.11-slim

RUN apt-get update \
    && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . /app
RUN make .venv/.installed

ENV PATH="/app/.venv/bin:${PATH}" \
    WEB21_SANDBOX_DATABASE=/app/var/sandbox.db \
    WEB21_SANDBOX_WORKERS=2
VOLUME ["/app/var"]
EXPOSE 8021
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8021/healthz')"
# Inside a container the sandbox must listen on all interfaces so that the published port reaches it.
CMD ["web21-sandbox", "serve", "--host", "0.0.0.0", "--port", "8021"]
