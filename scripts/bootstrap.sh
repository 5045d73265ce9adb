#!/usr/bin/env bash
# Installs what a fresh machine lacks for building and testing: libcurl, OpenSSL, libsodium, libyaml and jemalloc headers,
# openssl (the API emulator's CA), python3 (the emulator), promtool (alert-rule tests). Idempotent and quiet when all is there.
set -euo pipefail

need_apt=()
dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || need_apt+=(libcurl4-openssl-dev)
dpkg -s libssl-dev >/dev/null 2>&1 || need_apt+=(libssl-dev)
dpkg -s libsodium-dev >/dev/null 2>&1 || need_apt+=(libsodium-dev)
dpkg -s libyaml-dev >/dev/null 2>&1 || need_apt+=(libyaml-dev)
# jemalloc: forge-aggregator's allocator (Sources/CAllocator).
dpkg -s libjemalloc-dev >/dev/null 2>&1 || need_apt+=(libjemalloc-dev)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
# promtool (Debian package prometheus) runs the alert-rule tests in ci/alert-rules.
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "bootstrap: installing ${need_apt[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

command -v swift >/dev/null 2>&1 || { echo "bootstrap: swift is not on PATH (Swift 6.x toolchain required)" >&2; exit 1; }
