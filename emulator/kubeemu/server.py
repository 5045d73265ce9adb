"""The HTTPS server: one thread per connection, TLS handshake in that thread."""

import http.server
import secrets
import ssl
import threading

from .faults import Faults, RequestLog
from .handler import Handler
from .store import Store


class EmulatorServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, port, cert, key, history, bookmark_interval, verbose=False):
        super().__init__(("127.0.0.1", port), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(cert, key)
        # Handshake lazily in the connection's own thread so a slow or non-TLS client can
        # never stall the accept loop.
        self.socket = context.wrap_socket(self.socket, server_side=True,
                                          do_handshake_on_connect=False)
        self.store = Store(history)
        self.faults = Faults()
        self.requests = RequestLog()
        self.admin_token = secrets.token_hex(24)
        self.tokens = {self.admin_token}
        self.users = {}  # token -> user name, as in kube-apiserver's --token-auth-file
        self.tokens_lock = threading.Lock()
        self.bookmark_interval = bookmark_interval
        self.verbose = verbose
        self.snapshots = {}  # continue-token id -> (objects, resourceVersion)
        self.snapshots_lock = threading.Lock()

    @property
    def port(self):
        return self.server_address[1]

    def token_accepted(self, token, admin=False):
        if admin and token == self.admin_token:
            return True
        with self.tokens_lock:
            return token in self.tokens

    def set_tokens(self, tokens, users=None):
        with self.tokens_lock:
            self.tokens = set(tokens)
            self.users = dict(users or {})

    def token_user(self, token):
        """The user name a token authenticates as, or None (unnamed tokens, the initial one)."""
        with self.tokens_lock:
            return self.users.get(token) if token in self.tokens else None

    def handle_error(self, request, client_address):
        # Broken connections (client gave up, TLS garbage) are routine for a test server.
        if self.verbose:
            super().handle_error(request, client_address)
