#!/usr/bin/env python3
"""A Kubernetes API server emulator for tests (Python 3 standard library + `openssl` CLI).

Usage: kube_api_emulator.py --port 0 --dir DIR [--history N] [--bookmark-interval S]
Writes DIR/{ca.crt,tls.crt,tls.key,token,kubeconfig} and prints one JSON line
{"ready": true, "port": N, "kubeconfig": PATH, ...} on stdout once it accepts connections.
See docs/EMULATOR.md for what it emulates and what it does not.
"""

import argparse
import json
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kubeemu import certs  # noqa: E402
from kubeemu.server import EmulatorServer  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: any free)")
    parser.add_argument("--dir", required=True, help="directory for certificates and kubeconfig")
    parser.add_argument("--history", type=int, default=10000,
                        help="watch events kept for resourceVersion replay (older: 410 Gone)")
    parser.add_argument("--bookmark-interval", type=float, default=1.0,
                        help="seconds between BOOKMARK events on watches that allow them")
    parser.add_argument("--verbose", action="store_true", help="log requests and errors to stderr")
    args = parser.parse_args()
    if args.history < 1 or args.bookmark_interval <= 0:
        parser.error("--history must be >= 1 and --bookmark-interval > 0")

    os.makedirs(args.dir, exist_ok=True)
    ca, cert, key = certs.generate(args.dir)
    server = EmulatorServer(args.port, cert, key, args.history, args.bookmark_interval, args.verbose)
    token_path = os.path.join(args.dir, "token")
    with open(token_path, "w") as f:
        f.write(server.admin_token)
    kubeconfig = certs.write_kubeconfig(args.dir, server.port, server.admin_token, ca)

    # SIGTERM ends serve_forever cleanly (from another thread, as shutdown() blocks).
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    print(json.dumps({"ready": True, "port": server.port, "kubeconfig": kubeconfig, "ca": ca,
                      "tokenFile": token_path, "token": server.admin_token,
                      "server": f"https://127.0.0.1:{server.port}"}), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
