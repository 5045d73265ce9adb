"""A throw-away CA and server certificate (EC P-256, fast to generate) plus a kubeconfig.

Python's standard library cannot create certificates, so this shells out to the `openssl`
CLI: two invocations, each a few milliseconds with EC keys (RSA would cost far more).
"""

import os
import subprocess

_CONFIG = """\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = kube-api-emulator
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
authorityKeyIdentifier = keyid
"""


def _openssl(*args):
    result = subprocess.run(["openssl", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {result.stderr.strip()}")


def generate(directory):
    """Writes ca.crt, ca.key, tls.crt, tls.key into `directory`."""
    cnf = os.path.join(directory, "openssl.cnf")
    with open(cnf, "w") as f:
        f.write(_CONFIG)
    ca_crt, ca_key = os.path.join(directory, "ca.crt"), os.path.join(directory, "ca.key")
    tls_crt, tls_key = os.path.join(directory, "tls.crt"), os.path.join(directory, "tls.key")
    curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    _openssl("req", "-x509", *curve, "-keyout", ca_key, "-out", ca_crt, "-days", "7",
             "-config", cnf, "-extensions", "ca_ext", "-subj", "/CN=kube-api-emulator-ca")
    # `req -x509 -CA` (OpenSSL >= 3.0) signs the new key with the CA in one step.
    _openssl("req", "-x509", *curve, "-keyout", tls_key, "-out", tls_crt, "-days", "7",
             "-config", cnf, "-extensions", "server_ext", "-CA", ca_crt, "-CAkey", ca_key,
             "-subj", "/CN=kube-api-emulator")
    os.chmod(tls_key, 0o600)
    os.chmod(ca_key, 0o600)
    return ca_crt, tls_crt, tls_key


def write_kubeconfig(directory, port, token, ca_path):
    path = os.path.join(directory, "kubeconfig")
    # JSON is valid YAML, but kubeconfigs are conventionally YAML; the values need no quoting
    # beyond what is written here (paths and hex tokens).
    text = f"""apiVersion: v1
kind: Config
clusters:
- name: emulator
  cluster:
    server: https://127.0.0.1:{port}
    certificate-authority: "{ca_path}"
users:
- name: emulator
  user:
    token: "{token}"
contexts:
- name: emulator
  context:
    cluster: emulator
    user: emulator
    namespace: default
current-context: emulator
"""
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)
    return path
