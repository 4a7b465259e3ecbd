# web21-sandbox for workshops: one container, every participant an isolated contract and clock.
#   docker build -t web21-sandbox .
#   docker run -p 8021:8021 -e WEB21_SANDBOX_ADMIN_KEY="$(openssl rand -hex 24)" -v web21-data:/app/var web21-sandbox
#   docker exec <container> web21-sandbox workshop create --participants 20 --out var/workshop
# Two stages: the runtime dependencies in a layer of their own (rebuilt only when pyproject.toml changes),
# then the source, installed in place (seed/ and scenarios/ are read beside the package). No dev extras.

FROM python:3.11-slim AS dependencies
WORKDIR /app
COPY pyproject.toml ./
RUN python -m venv /app/.venv \
    && /app/.venv/bin/pip install --quiet --no-cache-dir --upgrade pip \
    && python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/runtime.txt \
    && /app/.venv/bin/pip install --quiet --no-cache-dir -r /tmp/runtime.txt

FROM python:3.11-slim
RUN useradd --create-home --uid 10021 sandbox
WORKDIR /app
COPY --from=dependencies /app/.venv /app/.venv
COPY --chown=sandbox:sandbox . /app
RUN /app/.venv/bin/pip install --quiet --no-cache-dir --no-deps -e /app \
    && mkdir -p /app/var && chown sandbox:sandbox /app/var

ENV PATH="/app/.venv/bin:${PATH}" \
    WEB21_SANDBOX_DATABASE=/app/var/sandbox.db \
    WEB21_SANDBOX_WORKERS=2
USER sandbox
VOLUME ["/app/var"]
EXPOSE 8021
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8021/healthz')"
# Inside a container the sandbox must listen on all interfaces so that the published port reaches it.
CMD ["web21-sandbox", "serve", "--host", "0.0.0.0", "--port", "8021"]
