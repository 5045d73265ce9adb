"""Fixtures: a real emulator process per test module, and a tiny HTTPS JSON client."""

import http.client
import json
import os
import ssl
import subprocess
import sys
import tempfile
import time

import pytest

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "kube_api_emulator.py")


class Emulator:
    def __init__(self, extra=()):
        self.dir = tempfile.mkdtemp(prefix="kubeemu-test-")
        started = time.monotonic()
        self.proc = subprocess.Popen([sys.executable, SCRIPT, "--port", "0", "--dir", self.dir, *extra],
                                     stdout=subprocess.PIPE, text=True)
        self.ready = json.loads(self.proc.stdout.readline())
        self.startup_seconds = time.monotonic() - started
        self.port = self.ready["port"]
        self.token = open(os.path.join(self.dir, "token")).read().strip()
        self.context = ssl.create_default_context(cafile=os.path.join(self.dir, "ca.crt"))

    def connection(self, timeout=10):
        return http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=timeout)

    def request(self, method, path, body=None, token=..., content_type="application/json", headers=None):
        conn = self.connection()
        all_headers = dict(headers or {})
        token = self.token if token is ... else token
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            all_headers["Content-Type"] = content_type
        conn.request(method, path, body=data, headers=all_headers)
        response = conn.getresponse()
        raw = response.read()
        conn.close()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode()
        return response.status, parsed, response

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="module")
def emu():
    emulator = Emulator(["--bookmark-interval", "0.2", "--history", "50"])
    yield emulator
    emulator.stop()


LEASES = "/apis/coordination.k8s.io/v1/namespaces/default/leases"
PODS = "/api/v1/namespaces/default/pods"


def lease(name, holder="a", **extra):
    body = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": name, **extra},
            "spec": {"holderIdentity": holder, "leaseDurationSeconds": 15}}
    return body


def pod(name, labels=None, node=None):
    spec = {"containers": [{"name": "c", "image": "busybox"}]}
    if node:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels or {}}, "spec": spec}


def watch_lines(emu, path, max_events, timeout=5):
    """Reads up to max_events watch events (or until the server ends the stream)."""
    conn = emu.connection(timeout=timeout)
    conn.request("GET", path, headers={"Authorization": f"Bearer {emu.token}"})
    response = conn.getresponse()
    events = []
    try:
        while len(events) < max_events:
            line = response.readline()
            if not line:
                break
            events.append(json.loads(line))
    finally:
        conn.close()
    return response.status, events
