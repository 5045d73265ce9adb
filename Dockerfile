# syntax=docker/dockerfile:1
# One image, two binaries: forge-reporter (sidecar + guard) and forge-aggregator.
#   docker build -t ghcr.io/cardano-forge-manager/forge-manager:1.0.0 .
# The charts run /usr/local/bin/forge-reporter, /usr/local/bin/forge-reporter guard
# and /usr/local/bin/forge-aggregator from it.

ARG SWIFT_VERSION=6.3
ARG DEBIAN_RELEASE=bookworm

# ---- build -----------------------------------------------------------------
FROM swift:${SWIFT_VERSION}-${DEBIAN_RELEASE} AS build

# libcurl and OpenSSL headers for the CCurl system library, libsodium's for CSodium (BLAKE2b),
# libyaml's for CYAML (kubeconfig files), jemalloc's for CAllocator (forge-aggregator's allocator).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4-openssl-dev libssl-dev libsodium-dev libyaml-dev libjemalloc-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# Resolve dependencies in their own layer so source edits reuse it.
COPY Package.swift Package.resolved* ./
RUN swift package resolve

COPY Sources ./Sources
COPY Tests ./Tests

# The Swift runtime is linked dynamically and shipped once for both binaries: statically,
# each binary would carry its own copy of the standard library and FoundationEssentials
# (~20 MiB each instead of ~6 MiB; docs/BENCHMARKS.md "Binary size"). ldd picks exactly the
# runtime libraries the two binaries load from the toolchain's library directory
# (/usr/lib/swift/linux here, which swift build also writes into their run path); what else
# they and those libraries load (libcurl, libsodium, libyaml, jemalloc; libstdc++, which apt needs too)
# comes from Debian below. Stripping removes symbols and debug info, ~70 % of each file.
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN swift build -c release --product forge-reporter \
 && swift build -c release --product forge-aggregator \
 && bin="$(swift build -c release --show-bin-path)" \
 && mkdir -p /out/bin /out/swift-runtime \
 && install -m 0755 -s "$bin/forge-reporter" "$bin/forge-aggregator" /out/bin/ \
 && ldd /out/bin/forge-reporter /out/bin/forge-aggregator \
    | awk '$3 ~ "^/usr/lib/swift/linux/" { print $3 }' | sort -u \
    | xargs -r -I{} install -m 0644 {} /out/swift-runtime/ \
 && test -e /out/swift-runtime/libswiftCore.so \
 && strip --strip-unneeded /out/swift-runtime/*.so \
 && for lib in libFoundation.so libFoundationInternationalization.so lib_FoundationICU.so; do \
      if [ -e "/out/swift-runtime/$lib" ]; then echo "a shipped binary links $lib (ci/lean-binaries/check.sh)" >&2; exit 1; fi; \
    done

# ---- runtime ---------------------------------------------------------------
FROM debian:${DEBIAN_RELEASE}-slim

# libcurl4 (HTTPS to the API server and health endpoints; brings libssl3 for
# libcrypto's SHA-256), libsodium23 (BLAKE2b: pool id and KES key checks of the credentials),
# libyaml-0-2 (kubeconfig files), libjemalloc2 (forge-aggregator's allocator), ca-certificates
# (health-check endpoints on public CAs).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4 libssl3 libsodium23 libyaml-0-2 libjemalloc2 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 forge \
 && useradd --system --uid 10001 --gid forge --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin forge

COPY --from=build /out/swift-runtime/ /usr/lib/swift/linux/
COPY --from=build /out/bin/forge-reporter /out/bin/forge-aggregator /usr/local/bin/
COPY LICENSE /usr/share/doc/cardano-forge-manager/LICENSE

LABEL org.opencontainers.image.title="cardano-forge-manager" \
      org.opencontainers.image.description="Fenced single-forger coordination for Cardano block producers" \
      org.opencontainers.image.licenses="Apache-2.0"

# Same UID as the charts' securityContext (runAsUser 10001).
USER 10001:10001

# forge-reporter metrics/health on 8000, forge-aggregator on 8080.
EXPOSE 8000 8080

ENTRYPOINT ["/usr/local/bin/forge-reporter"]
