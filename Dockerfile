# syntax=docker/dockerfile:1
# mcp-host as a container: a build stage on Debian 12 compiles the host and
# its plugins and packs them as the .deb; the runtime stage installs that
# .deb on debian:bookworm-slim and runs it as an unprivileged user.
#
#   docker build -t mcphost .
#   docker run --rm -p 8080:8080 mcphost
#
# Not built in this project's CI (it has no image registry to pull the base
# image from); tests/shipping/dockerfile_test.mjs checks its structure.

FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config dpkg-dev file libboost-dev libboost-filesystem-dev rapidjson-dev \
      libyaml-cpp-dev libspdlog-dev libcli11-dev libssl-dev libsqlite3-dev libpng-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DMCPHOST_BUILD_TESTS=OFF -DMCPHOST_BUILD_BENCH=OFF \
 && cmake --build /build -j"$(nproc)" \
 && cd /build && cpack -G DEB -B /pkg \
 && mv /pkg/mcphost_*.deb /pkg/mcphost.deb

FROM debian:bookworm-slim AS runtime
COPY --from=build /pkg/mcphost.deb /tmp/mcphost.deb
RUN apt-get update \
 && apt-get install -y --no-install-recommends /tmp/mcphost.deb curl \
 && rm -rf /var/lib/apt/lists/* /tmp/mcphost.deb \
 && useradd --system --uid 10001 --home-dir /data --create-home --shell /usr/sbin/nologin mcphost
WORKDIR /data
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/mcp-host"]
# The packaged config listens on loopback; in a container the port must be
# reachable from outside (probes arrive by the pod's IP), hence --listen.
CMD ["--config", "/etc/mcphost/mcphost.yaml", "--transport", "http", "--listen", "0.0.0.0:8080"]
