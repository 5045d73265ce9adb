"""Building blocks of scripts/bench-reporter.sh: the API emulator, stand-in pods, /proc readings.

Python standard library only (plus PyYAML for the CRDs, as scripts/bench-aggregator.sh). All
times are CLOCK_BOOTTIME nanoseconds, the clock the stand-in node writes its transitions with.
"""
import glob
import json
import os
import signal
import ssl
import subprocess
import threading
import time
import urllib.request

CLK_TCK = os.sysconf("SC_CLK_TCK")


def now_ns():
    return time.clock_gettime_ns(time.CLOCK_BOOTTIME)


def wait_for(what, timeout, condition, poll=0.02):
    """Polls `condition` until it returns a truthy value; raises after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(poll)


class Emulator:
    """The project's Kubernetes API emulator (emulator/kube_api_emulator.py) as a child process."""

    def __init__(self, root, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self.process = subprocess.Popen(
            ["python3", root + "/emulator/kube_api_emulator.py", "--port", "0", "--dir", directory],
            stdout=subprocess.PIPE, stderr=open(directory + "/emulator.err", "w"), text=True)
        self.info = json.loads(self.process.stdout.readline())
        self.kubeconfig = self.info["kubeconfig"]
        self.context = ssl.create_default_context(cafile=self.info["ca"])

    def request(self, method, path, body=None, content_type="application/json"):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.info["server"] + path, data=data, method=method, headers={
            "Authorization": "Bearer " + self.info["token"], "Content-Type": content_type,
            "User-Agent": "bench-admin"})
        with urllib.request.urlopen(req, context=self.context) as response:
            return json.loads(response.read() or b"{}")

    def install_crds(self, root):
        import yaml  # only here: the rest of the benchmark needs the standard library only
        for path in sorted(glob.glob(root + "/charts/cardano-forge-crds/crds/*.yaml")):
            self.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                         yaml.safe_load(open(path)))

    def create_namespace(self, name):
        self.request("POST", "/api/v1/namespaces",
                     {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})

    def last_seq(self):
        log = self.request("GET", "/_emulator/requests?since=0")
        return log[-1]["seq"] if log else 0

    def requests_since(self, seq):
        return self.request("GET", "/_emulator/requests?since=%d" % seq)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()


def write_credentials(directory):
    """Writes kes.skey, vrf.skey and node.cert shaped like cardano-cli's (random keys, the
    operational certificate's CBOR by hand) and returns the certificate's pool id (hex)."""
    import hashlib
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
    """One block-producer pod of real processes, as Tests/ReporterTests/PodHarness.swift builds
    it: a stand-in cardano-node restarted like a container, forge-reporter and its guard, all
    sharing the pod's directory. Each pod's node runs under its own process name
    (CARDANO_NODE_PROCESS_NAME), because every pod of the benchmark shares this host's /proc."""

    def __init__(self, name, index, namespace, emulator, bins, root_dir, environment):
        self.name, self.namespace, self.emulator, self.bins = name, namespace, emulator, bins
        self.directory = root_dir + "/" + name
        self.node_name = "cnode-%d-%d" % (index, os.getpid() % 1000)
        for sub in ("secrets", "keys", "run", "bin"):
            os.makedirs(self.directory + "/" + sub, exist_ok=True)
        pool_hex = write_credentials(self.directory + "/secrets")
        os.symlink(bins + "/cardano-node-standin", self.node_binary)
        self.environment = dict(environment)
        d = self.directory
        self.environment.update({
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NAMESPACE": namespace, "POD_NAME": name,
            "KUBECONFIG": emulator.kubeconfig, "NODE_SOCKET": d + "/node.sock",
            "CARDANO_NODE_PROCESS_NAME": self.node_name, "NODE_LOG_FILE": d + "/node.log",
            "FENCE_FILE": d + "/run/fence", "METRICS_PORT": "0", "LOG_LEVEL": "info",
            "SOURCE_KES_KEY": d + "/secrets/kes.skey", "SOURCE_VRF_KEY": d + "/secrets/vrf.skey",
            "SOURCE_OP_CERT": d + "/secrets/node.cert", "TARGET_KES_KEY": d + "/keys/kes.skey",
            "TARGET_VRF_KEY": d + "/keys/vrf.skey", "TARGET_OP_CERT": d + "/keys/node.cert",
            # The reporter checks the certificate's pool; the benchmark's POOL_ID is made up.
            "POOL_ID_HEX": pool_hex})
        self.reporter = self.guard = self.node = None
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

    def create_object(self):
        self.emulator.request("POST", "/api/v1/namespaces/%s/pods" % self.namespace, {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": self.name, "namespace": self.namespace, "labels": {"app": "producer"}},
            "spec": {"containers": [{"name": "node", "image": "cardano-node"}]}})

    def start(self):
        """Starts the node loop, the reporter and the guard (a fresh pod on the same Pod object)."""
        self._restarts += 1
        self._node_loop_stop.clear()
        self._node_thread = threading.Thread(target=self._node_loop, daemon=True)
        self._node_thread.start()
        self.reporter = self._launch([self.bins + "/forge-reporter"], "reporter")
        self.guard = self._launch([self.bins + "/forge-reporter", "guard"], "guard")

    def _launch(self, argv, label):
        log = open("%s/%s-%d.log" % (self.directory, label, self._restarts), "w")
        return subprocess.Popen(argv, env=self.environment, stdout=log, stderr=subprocess.STDOUT)

    def _node_loop(self):
        # Like the kubelet: whenever the node container exits, start it again (after 50 ms).
        d = self.directory
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "STANDIN_TRANSITIONS_FILE": self.transitions_file,
               "STANDIN_LOG_FILE": d + "/node.log", "STANDIN_REPLAY_DELAY": "0"}
        while not self._node_loop_stop.is_set():
            if self.node is None or self.node.poll() is not None:
                self.node = subprocess.Popen(
                    [self.node_binary, "run", "--socket-path", d + "/node.sock",
                     "--shelley-kes-key", d + "/keys/kes.skey", "--shelley-vrf-key", d + "/keys/vrf.skey",
                     "--shelley-operational-certificate", d + "/keys/node.cert",
                     "--start-as-non-producing-node", "--database-path", d + "/db"],
                    env=env, stdout=open(d + "/node.out", "a"), stderr=subprocess.STDOUT)
                time.sleep(0.05)
            time.sleep(0.02)

    def crash(self):
        """SIGKILLs the whole pod (reporter, guard, node) at once; returns the time just before."""
        self._node_loop_stop.set()
        self._node_thread.join()
        t0 = now_ns()
        for process in (self.reporter, self.guard, self.node):
            process.send_signal(signal.SIGKILL)
        self.deaths.append((self.node.pid, now_ns()))
        for process in (self.reporter, self.guard, self.node):
            process.wait()
        return t0

    def terminate_reporter(self):
        """SIGTERM to the reporter only (graceful stop); returns the time just before."""
        t0 = now_ns()
        self.reporter.send_signal(signal.SIGTERM)
        return t0

    def stop(self):
        """Ends the pod (what is left of it): reporter and guard SIGTERM, node SIGKILL."""
        self._node_loop_stop.set()
        if self._node_thread:
            self._node_thread.join()
        for process in (self.reporter, self.guard):
            if process and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in (self.reporter, self.guard):
            if process:
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
        try:
            pod = self.emulator.request("GET", "/api/v1/namespaces/%s/pods/%s" % (self.namespace, self.name))
        except OSError:
            return None
        value = (pod.get("metadata", {}).get("annotations") or {}).get("cardano.io/forge-report")
        return json.loads(value) if value else None


def forging_intervals(pods, until):
    """[(pod, pid, start, end)] of enabled forging; a SIGKILLed node's interval ends at its death."""
    intervals = []
    for pod in pods:
        deaths = dict(pod.deaths)
        open_since = {}
        for time_ns, pid, enabled in pod.transitions():
            if enabled and pid not in open_since:
                open_since[pid] = time_ns
            elif not enabled and pid in open_since:
                intervals.append((pod.name, pid, open_since.pop(pid), time_ns))
        for pid, start in open_since.items():
            intervals.append((pod.name, pid, start, deaths.get(pid, until)))
    return intervals


def overlaps(pods):
    spans = sorted(forging_intervals(pods, now_ns()), key=lambda i: i[2])
    return [(a, b) for i, a in enumerate(spans) for b in spans[i + 1:] if b[2] < a[3]]


def cpu_ticks(pid):
    """utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat)."""
    stat = open("/proc/%d/stat" % pid).read()
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def memory_kib(pid):
    """{"rss": VmRSS, "hwm": VmHWM (peak RSS), "anon": RssAnon, "pss": Pss} in KiB, from
    /proc/PID/status and /proc/PID/smaps_rollup. RssAnon is the process's own heap and stacks; the rest of RSS is the
    mapped binary and libraries, which PSS divides among every process sharing them."""
    out = {}
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            out["rss"] = int(line.split()[1])
        elif line.startswith("VmHWM:"):
            out["hwm"] = int(line.split()[1])
        elif line.startswith("RssAnon:"):
            out["anon"] = int(line.split()[1])
    for line in open("/proc/%d/smaps_rollup" % pid):
        if line.startswith("Pss:"):
            out["pss"] = int(line.split()[1])
    return out
