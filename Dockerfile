# Multi-stage build: compile in the Rust image, run from a small Debian image as a non-root user
# with the database on a volume. Configure with environment variables (see config/layoffwatch.toml).
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock rust-toolchain.toml build.rs ./
COPY src ./src
COPY config ./config
COPY demo ./demo
COPY eval ./eval
RUN cargo build --release --locked --bin layoffwatch

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates tini \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin layoffwatch \
    && mkdir -p /data && chown layoffwatch /data
COPY --from=build /src/target/release/layoffwatch /usr/local/bin/layoffwatch
COPY config /etc/layoffwatch
USER layoffwatch
WORKDIR /data
VOLUME ["/data"]
ENV LAYOFFWATCH_DB=/data/layoffwatch.sqlite
ENTRYPOINT ["/usr/bin/tini", "--", "layoffwatch"]
CMD ["run"]
