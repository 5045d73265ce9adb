"""The live sandbox the kubectl and curl commands of the docs run against: one per session."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from runners import BIN_DIR


@pytest.fixture(scope="session")
def sandbox_env():
    """Starts `forge-sandbox --no-story --ready-file F`, yields the environment the doc commands
    run with (KUBECONFIG and the ports as $REPORTER_METRICS_PORT, ...), stops it at the end."""
    binary = BIN_DIR / "forge-sandbox"
    if not binary.exists():
        pytest.fail(f"{binary} is missing: run `swift build` first")
    workdir = Path(tempfile.mkdtemp(prefix="doc-checks-"))
    ready = workdir / "ready.json"
    log = open(workdir / "sandbox.log", "w")
    process = subprocess.Popen([str(binary), "--no-story", "--ready-file", str(ready)],
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=False)
    try:
        deadline = time.monotonic() + 180
        while not ready.exists():
            if process.poll() is not None:
                pytest.fail(f"forge-sandbox exited with {process.returncode}: {(workdir / 'sandbox.log').read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail("forge-sandbox did not write its ready file within 180 s")
            time.sleep(0.2)
        info = json.loads(ready.read_text())
        env = dict(os.environ)
        env.update({
            "KUBECONFIG": info["kubeconfig"],
            "REPORTER_METRICS_PORT": str(info["pods"]["bp-us-east-1-0"]["metricsPort"]),
            "AGGREGATOR_METRICS_PORT": str(info["aggregators"]["us-east-1"]["metricsPort"]),
            "PEER_AGGREGATOR_METRICS_PORT": str(info["aggregators"]["eu-west-1"]["metricsPort"]),
            "HEALTH_PORT": info["healthURL"].rsplit(":", 1)[1].split("/", 1)[0],
        })
        env["_NAMESPACES"] = ",".join(info["namespaces"])
        yield env
    finally:
        # SIGTERM: the sandbox stops its reporters first, then everything else, and cleans up.
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)
