# syntax=docker/dockerfile:1.7
#
# The Angular SPA: built with Node 20, served as static files by nginx (unprivileged,
# port 8080) with the SPA fallback to index.html.
#
#   docker build -f docker/frontend.Dockerfile -t ycyw/frontend .

ARG NODE_VERSION=20
ARG NGINX_VERSION=1.28

# ----------------------------------------------------------------------------- build
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src/frontend
ENV CI=true \
    NG_CLI_ANALYTICS=false
COPY frontend/package.json frontend/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build -- --configuration production \
 && test -f dist/frontend/browser/index.html

# ----------------------------------------------------------------------------- runtime
FROM nginxinc/nginx-unprivileged:${NGINX_VERSION}-alpine AS frontend
COPY docker/nginx/default.conf /etc/nginx/conf.d/default.conf
COPY docker/nginx/security-headers.inc /etc/nginx/conf.d/security-headers.inc
COPY --from=build --chown=101:101 /src/frontend/dist/frontend/browser /usr/share/nginx/html
USER 101:101
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
  CMD ["wget", "-q", "-T", "3", "-O", "/dev/null", "http://127.0.0.1:8080/health/live"]
