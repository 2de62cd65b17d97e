# syntax=docker/dockerfile:1

# ---- build ----
FROM rust:1-bookworm AS builder
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --bin plumbline \
 && cp target/release/plumbline /usr/local/bin/plumbline

# ---- runtime ----
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=builder /usr/local/bin/plumbline /usr/local/bin/plumbline
# Templates, static assets and migrations are compiled into the binary.
RUN useradd --system --home-dir /app --create-home plumbline
WORKDIR /app
USER plumbline
ENV PLUMBLINE_BIND=0.0.0.0:8080
EXPOSE 8080
# /healthz answers 200 while the database answers (bash's /dev/tcp: no curl in the image).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
# A real install: no demo data. Create the first site admin with
#   echo "a long password" | docker compose run --rm -T app plumbline user add --email you@example.org --name "You" --site-admin
CMD ["plumbline", "serve"]
