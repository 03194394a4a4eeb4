# syntax=docker/dockerfile:1.7
#
# Every Rust binary of the workspace, built once, each in its own small image.
#
#   docker buildx bake -f docker/docker-bake.hcl            # all images (shares the builder)
#   docker build -f docker/rust.Dockerfile --target ycyw-auth -t ycyw/auth .
#
# Targets are named after the binaries (= cargo package names): ycyw-auth, ycyw-catalog,
# ycyw-reservations, ycyw-payments, ycyw-support, ycyw-api (all routers, local use) and
# ycyw-worker. cdk/test/images.test.ts checks that every binary of the workspace has one.

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

# ----------------------------------------------------------------------------- builder
FROM rust:${RUST_VERSION}-${DEBIAN_RELEASE} AS builder
WORKDIR /src
# sqlx checks queries against the committed .sqlx/ cache: no database at build time.
ENV SQLX_OFFLINE=true \
    CARGO_TERM_COLOR=never \
    CARGO_INCREMENTAL=0
COPY . .
# One compilation of the whole workspace; registry and target directory are cache mounts,
# so the binaries are copied out of the (unpersisted) target directory.
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/usr/local/cargo/git,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked --workspace --bins \
 && mkdir -p /out \
 && find target/release -maxdepth 1 -type f -executable -name 'ycyw-*' -exec cp {} /out/ \; \
 && ls -l /out

# A static busybox gives the distroless images a `wget` for container health checks
# (there is no shell and no curl in distroless).
FROM busybox:1.37.0-musl AS busybox

# ----------------------------------------------------------------------------- runtime base
# glibc + libgcc + CA certificates + tzdata, no shell, no package manager; uid 65532.
FROM gcr.io/distroless/cc-debian12:nonroot AS runtime
COPY --from=busybox /bin/busybox /usr/local/bin/busybox
ENV APP_ENV=prod \
    LOG_FORMAT=json \
    PORT=8080
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/busybox", "wget", "-q", "-T", "3", "-O", "/dev/null", "http://127.0.0.1:8080/health/live"]

# ----------------------------------------------------------------------------- functions
FROM runtime AS ycyw-auth
COPY --from=builder /out/ycyw-auth /usr/local/bin/ycyw-auth
ENTRYPOINT ["/usr/local/bin/ycyw-auth"]

FROM runtime AS ycyw-catalog
COPY --from=builder /out/ycyw-catalog /usr/local/bin/ycyw-catalog
ENTRYPOINT ["/usr/local/bin/ycyw-catalog"]

FROM runtime AS ycyw-reservations
COPY --from=builder /out/ycyw-reservations /usr/local/bin/ycyw-reservations
ENTRYPOINT ["/usr/local/bin/ycyw-reservations"]

FROM runtime AS ycyw-payments
COPY --from=builder /out/ycyw-payments /usr/local/bin/ycyw-payments
ENTRYPOINT ["/usr/local/bin/ycyw-payments"]

FROM runtime AS ycyw-support
COPY --from=builder /out/ycyw-support /usr/local/bin/ycyw-support
ENTRYPOINT ["/usr/local/bin/ycyw-support"]

# All routers in one process, for running the whole API locally from an image; not
# deployed to AWS, where each module is its own service. Migrations at start as in dev.
FROM runtime AS ycyw-api
ENV RUN_MIGRATIONS=1
COPY --from=builder /out/ycyw-api /usr/local/bin/ycyw-api
ENTRYPOINT ["/usr/local/bin/ycyw-api"]

# ----------------------------------------------------------------------------- worker
# `ycyw-worker run` (default) consumes jobs and serves /health/* on HEALTH_PORT;
# the same image runs `migrate` and the ops CLI as one-off tasks.
FROM runtime AS ycyw-worker
ENV HEALTH_PORT=8081
EXPOSE 8081
COPY --from=builder /out/ycyw-worker /usr/local/bin/ycyw-worker
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/busybox", "wget", "-q", "-T", "3", "-O", "/dev/null", "http://127.0.0.1:8081/health/live"]
ENTRYPOINT ["/usr/local/bin/ycyw-worker"]
CMD ["run"]
