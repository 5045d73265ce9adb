"""Stand-in block-producer pods of scripts/bench-reporter.sh: a stand-in cardano-node restarted
like a container, plus the pod's forge-manager processes (forge-reporter and its guard, or the
Python sidecar this project replaces), all sharing the pod's directory as its volumes would.

Built like Tests/ReporterTests/PodHarness.swift. Each pod's node runs under its own process
name (CARDANO_NODE_PROCESS_NAME), because every pod of the benchmark shares this host's /proc.
"""
import hashlib
import json
import os
import signal
import subprocess
import threading
import time

from benchlib import now_ns


def write_credentials(directory):
    """Writes kes.skey, vrf.skey and node.cert shaped like cardano-cli's (random keys, the
    operational certificate's CBOR by hand) and returns the certificate's pool id (hex)."""
    cold, kes, vrf = os.urandom(32), os.urandom(608), os.urandom(64)
    kes_vkey = hashlib.blake2b(kes[-64:], digest_size=32).digest()
    cert = (b"\x82\x84\x58\x20" + kes_vkey + b"\x01\x00\x58\x40" + os.urandom(64)
            + b"\x58\x20" + cold)
    for file, kind, cbor in (("kes.skey", "KesSigningKey_ed25519_kes_2^6", b"\x59\x02\x60" + kes),
                             ("vrf.skey", "VrfSigningKey_PraosVRF", b"\x58\x40" + vrf),
                             ("node.cert", "NodeOperationalCertificate", cert)):
        path = directory + "/" + file
        with open(path, "w") as f:
            json.dump({"type": kind, "description": "", "cborHex": cbor.hex()}, f)
        os.chmod(path, 0o600)
    return hashlib.blake2b(cold, digest_size=28).hexdigest()


class Pod:
    """One pod of real processes. `programs` is [(label, argv)], started in that order with the
    pod's environment; `controller` is the label of the process a graceful handover stops
    (forge-reporter, or the sidecar). `node_producing_start` starts the node without
    --start-as-non-producing-node (the Python sidecar's chart default)."""

    def __init__(self, name, node_name, namespace, emulator, bins, root_dir, environment, programs,
                 controller, node_producing_start=False):
        self.name, self.namespace, self.emulator, self.bins = name, namespace, emulator, bins
        self.directory = root_dir + "/" + name
        self.node_name = node_name
        self.programs, self.controller = programs, controller
        self.node_producing_start = node_producing_start
        for sub in ("secrets", "keys", "run", "bin"):
            os.makedirs(self.directory + "/" + sub, exist_ok=True)
        self.pool_hex = write_credentials(self.directory + "/secrets")
        os.symlink(bins + "/cardano-node-standin", self.node_binary)
        # Its own API user, so the emulator's request log names the pod of every request.
        self.kubeconfig = emulator.client_kubeconfig(name, self.directory + "/kubeconfig")
        d = self.directory
        self.environment = dict(environment)
        self.environment.update({
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NAMESPACE": namespace, "POD_NAME": name,
            "KUBECONFIG": self.kubeconfig, "NODE_SOCKET": d + "/node.sock",
            "CARDANO_NODE_PROCESS_NAME": node_name, "NODE_LOG_FILE": d + "/node.log",
            "FENCE_FILE": d + "/run/fence", "METRICS_PORT": "0", "LOG_LEVEL": "info",
            "SOURCE_KES_KEY": d + "/secrets/kes.skey", "SOURCE_VRF_KEY": d + "/secrets/vrf.skey",
            "SOURCE_OP_CERT": d + "/secrets/node.cert", "TARGET_KES_KEY": d + "/keys/kes.skey",
            "TARGET_VRF_KEY": d + "/keys/vrf.skey", "TARGET_OP_CERT": d + "/keys/node.cert",
            # The reporter checks the certificate's pool; the benchmark's POOL_ID is made up.
            "POOL_ID_HEX": self.pool_hex})
        self.processes = {}
        self.logs = {}  # label -> the log file of its current process
        self.node = None
        self.node_started_at = None  # time.time() when the current node process was started
        self.deaths = []  # (pid, boottime ns) of nodes killed with SIGKILL: they log no "disabled"
        self._node_loop_stop = threading.Event()
        self._node_thread = None
        self._restarts = 0

    @property
    def node_binary(self):
        return self.directory + "/bin/" + self.node_name

    @property
    def transitions_file(self):
        return self.directory + "/transitions"

    @property
    def reporter(self):
        return self.processes.get(self.controller)

    @property
    def guard(self):
        return self.processes.get("guard")

    def create_object(self):
        self.emulator.request("POST", "/api/v1/namespaces/%s/pods" % self.namespace, {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": self.name, "namespace": self.namespace, "labels": {"app": "producer"}},
            "spec": {"containers": [{"name": "node", "image": "cardano-node"}]}})

    def start(self, environment=None):
        """Starts the node loop and the pod's programs (a fresh pod on the same Pod object);
        `environment` overrides variables from now on (e.g. ENABLE_CLUSTER_MANAGEMENT)."""
        self.environment.update(environment or {})
        self._restarts += 1
        self._node_loop_stop.clear()
        self._node_thread = threading.Thread(target=self._node_loop, daemon=True)
        self._node_thread.start()
        for label, argv in self.programs:
            self.logs[label] = "%s/%s-%d.log" % (self.directory, label, self._restarts)
            log = open(self.logs[label], "w")
            self.processes[label] = subprocess.Popen(argv, env=self.environment, stdout=log,
                                                     stderr=subprocess.STDOUT)

    def pids(self):
        """{label: pid} of the pod's running programs (not the node)."""
        return {label: p.pid for label, p in self.processes.items() if p.poll() is None}

    def _node_loop(self):
        # Like the kubelet: whenever the node container exits, start it again (after 50 ms).
        d = self.directory
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "STANDIN_TRANSITIONS_FILE": self.transitions_file,
               "STANDIN_LOG_FILE": d + "/node.log", "STANDIN_REPLAY_DELAY": "0"}
        start_flag = [] if self.node_producing_start else ["--start-as-non-producing-node"]
        while not self._node_loop_stop.is_set():
            if self.node is None or self.node.poll() is not None:
                if self.node is not None and all(pid != self.node.pid for pid, _ in self.deaths):
                    # It exited by itself (a start-up check failed, or worse): if it was forging,
                    # the oracle's interval ends here, within this loop's 20 ms.
                    self.deaths.append((self.node.pid, now_ns()))
                self.node_started_at = time.time()
                self.node = subprocess.Popen(
                    [self.node_binary, "run", "--socket-path", d + "/node.sock",
                     "--shelley-kes-key", d + "/keys/kes.skey", "--shelley-vrf-key", d + "/keys/vrf.skey",
                     "--shelley-operational-certificate", d + "/keys/node.cert",
                     *start_flag, "--database-path", d + "/db"],
                    env=env, stdout=open(d + "/node.out", "a"), stderr=subprocess.STDOUT)
                time.sleep(0.05)
            time.sleep(0.02)

    def crash(self):
        """SIGKILLs the whole pod (its programs and node) at once; returns the time just before."""
        self._node_loop_stop.set()
        self._node_thread.join()
        t0 = now_ns()
        victims = list(self.processes.values()) + [self.node]
        for process in victims:
            process.send_signal(signal.SIGKILL)
        self.deaths.append((self.node.pid, now_ns()))
        for process in victims:
            process.wait()
        return t0

    def terminate_reporter(self):
        """SIGTERM to the controller only (graceful stop); returns the time just before."""
        t0 = now_ns()
        self.reporter.send_signal(signal.SIGTERM)
        return t0

    def stop(self):
        """Ends the pod (what is left of it): programs SIGTERM, node SIGKILL."""
        self._node_loop_stop.set()
        if self._node_thread:
            self._node_thread.join()
        running = [p for p in self.processes.values() if p.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        for process in running:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.node and self.node.poll() is None:
            self.node.kill()
            self.deaths.append((self.node.pid, now_ns()))
            self.node.wait()

    def transitions(self):
        """[(time_ns, pid, enabled)] from the stand-ins' transitions file."""
        if not os.path.exists(self.transitions_file):
            return []
        out = []
        for line in open(self.transitions_file):
            parts = line.split()
            if len(parts) >= 3:
                out.append((int(parts[0]), int(parts[1]), parts[2] == "enabled"))
        return out

    def forging(self):
        """Whether the current node process has forging enabled (its last transition)."""
        if self.node is None or self.node.poll() is not None:
            return False
        mine = [t for t in self.transitions() if t[1] == self.node.pid]
        return bool(mine) and mine[-1][2]

    def report(self):
        """This pod's forge report (the reporter's annotation on its Pod object), or None."""
        try:
            pod = self.emulator.request("GET", "/api/v1/namespaces/%s/pods/%s" % (self.namespace, self.name))
        except OSError:
            return None
        value = (pod.get("metadata", {}).get("annotations") or {}).get("cardano.io/forge-report")
        return json.loads(value) if value else None
