"""HTTP request handling: auth, fault injection, routing and the REST verbs."""

import http.server
import json
import select
import socket
import struct
import traceback
import urllib.parse

from . import admin, discovery, errors, lists, negotiation, paths, patches, tables, watch
from .errors import ApiError, status_body

_PATCH_TYPES = ("application/json-patch+json", "application/merge-patch+json",
                "application/strategic-merge-patch+json", "application/apply-patch+yaml")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kube-api-emulator"
    sys_version = ""

    def setup(self):
        super().setup()
        # Headers and body go out as separate writes; without TCP_NODELAY, Nagle plus the
        # peer's delayed ACK adds ~40 ms to every response.
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_HEAD(self):
        self._dispatch("HEAD")

    def do_OPTIONS(self):
        self._dispatch("OPTIONS")

    # -- plumbing -----------------------------------------------------------------------
    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send_bytes(self, code, data, content_type="application/json", headers=None):
        # Logged before the answer goes out: a client that got its answer finds it in the log.
        self._log_request(code)
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-cache, private")
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        return code

    def send_json(self, code, obj, headers=None):
        return self.send_bytes(code, json.dumps(obj, separators=(",", ":")).encode(), headers=headers)

    def send_error_status(self, error):
        return self.send_json(error.code, error.status(), error.headers)

    def client_gone(self):
        """True once the peer closed its end. Clients send nothing after a request, so a
        readable socket while we hold a response back means EOF (or a TLS close_notify)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable)

    def drop_connection(self):
        """Closes the TCP connection without an answer (RST, like a crashed peer)."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def _dispatch(self, method):
        url = urllib.parse.urlsplit(self.path)
        path, query_string = url.path, url.query
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        authorization = self.headers.get("Authorization") or ""
        token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else None
        query = {k: v[0] for k, v in urllib.parse.parse_qs(query_string, keep_blank_values=True).items()}
        if path.startswith("/_emulator/") or path == "/_emulator":
            admin.handle(self, method, path, query, body, token)
            return
        user = self.server.token_user(token) if token else None
        self._pending_log = (method, path, query_string, self.headers.get("User-Agent"), self.headers.get("Accept"),
                             user)
        status = self._api(method, path, query_string, query, body, token)
        self._log_request(status)  # no answer sent (hang, drop) or a watch that ended

    def _log_request(self, status):
        """Records the current API request once (admin requests are not logged)."""
        pending, self._pending_log = getattr(self, "_pending_log", None), None
        if pending is not None:
            method, path, query_string, user_agent, accept, user = pending
            self.server.requests.record(method, path, query_string, status, user_agent, accept, user)

    def _api(self, method, path, query_string, query, body, token):
        target = path + ("?" + query_string if query_string else "")
        rule, released = self.server.faults.take(method, target, body)
        if rule is not None:
            if rule.delay:
                # Clearing the faults ends the delay early; the request is then handled as usual
                # (so a test can hold a request "in flight" for as long as it needs).
                released.wait(rule.delay)
            if rule.hang:
                while not released.wait(0.1) and not self.client_gone():
                    pass
                self.drop_connection()
                return 0
            if rule.drop:
                self.drop_connection()
                return 0
            if rule.status:
                headers = {"Retry-After": rule.retry_after} if rule.retry_after is not None else None
                if rule.body is not None:
                    return self.send_bytes(rule.status, rule.body.encode(), "text/plain; charset=utf-8", headers)
                details = {"retryAfterSeconds": rule.retry_after} if rule.retry_after is not None else None
                reason = errors.REASONS.get(rule.status, "InternalError" if rule.status >= 500 else "Unknown")
                return self.send_json(rule.status, status_body(rule.status, reason,
                                      f"injected fault (HTTP {rule.status})", details), headers)
        if token is None or not self.server.token_accepted(token):
            return self.send_error_status(errors.unauthorized())
        try:
            return self._route(method, path, query, body)
        except ApiError as error:
            return self.send_error_status(error)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            return 0
        except Exception as error:  # a bug in the emulator must not kill the connection thread silently
            if self.server.verbose:
                traceback.print_exc()
            return self.send_error_status(ApiError(500, "InternalError",
                                                   f"Internal error occurred: {error!r}"))

    # -- routing ------------------------------------------------------------------------
    def _route(self, method, path, query, body):
        store = self.server.store
        fixed = {"/version": discovery.version_info, "/api": lambda: discovery.api_versions(self.server.port),
                 "/apis": lambda: discovery.api_group_list(store)}
        stripped = path.rstrip("/") or "/"
        if stripped == "/openapi/v3":
            return self.send_json(200, discovery.openapi_v3_root(store))
        if stripped.startswith("/openapi/v3/"):
            rest = stripped[len("/openapi/v3/"):].split("/")
            document = None
            if len(rest) == 2 and rest[0] == "api":
                document = discovery.openapi_v3_group_version(store, "", rest[1])
            elif len(rest) == 3 and rest[0] == "apis":
                document = discovery.openapi_v3_group_version(store, rest[1], rest[2])
            if document is not None:
                return self.send_json(200, document)
        if stripped in ("/healthz", "/readyz", "/livez"):
            return self.send_bytes(200, b"ok", "text/plain; charset=utf-8")
        if stripped in fixed:
            if method != "GET":
                raise errors.method_not_allowed()
            return self.send_json(200, fixed[stripped]())
        parts = [p for p in stripped.split("/") if p]
        document = None
        if parts == ["api", "v1"]:
            document = discovery.resource_list(store, "", "v1")
        elif len(parts) == 2 and parts[0] == "apis":
            document = discovery.api_group(store, parts[1])
        elif len(parts) == 3 and parts[0] == "apis":
            document = discovery.resource_list(store, parts[1], parts[2])
        if document is not None:
            return self.send_json(200, document)
        route = paths.parse(store, stripped)
        if route is None:
            if len(parts) in (2, 3) and parts[0] == "apis":
                raise errors.resource_not_found()
            return self.send_bytes(404, b"404 page not found\n", "text/plain; charset=utf-8")
        rd = store.resource(route.group, route.version, route.plural)
        if rd is None or (route.namespace and not rd.namespaced) or \
                (rd.namespaced and route.name and not route.namespace):
            raise errors.resource_not_found()
        if route.subresource and (route.subresource != "status" or not rd.status):
            raise errors.resource_not_found()
        return self._verb(method, rd, route, query, body)

    def _verb(self, method, rd, route, query, body):
        store = self.server.store
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if method in ("POST", "PUT") and content_type not in ("", "application/json", "*/*"):
            # Protobuf (kubectl's typed clients, e.g. `kubectl create namespace`) and YAML
            # bodies are not decoded here.
            raise errors.unsupported_media_type(["application/json"])
        ns, name, sub = route.namespace, route.name, route.subresource
        if query.get("dryRun") and method in ("POST", "PUT", "PATCH", "DELETE"):
            # Refuse rather than persist what the client meant as a rehearsal.
            raise errors.bad_request("dryRun is not supported by the API emulator")
        if rd.read_only and method != "GET":
            raise errors.method_not_allowed()
        target = negotiation.negotiate(self.headers.get("Accept"))
        include = query.get("includeObject") or "Metadata"
        if name is None:
            if method == "GET":
                if query.get("watch") in ("1", "true", "True"):
                    negotiation.check_watch(target, rd)
                    return watch.serve(self, rd, ns, query, target, include)
                negotiation.check_list(target, rd)
                return lists.serve(self, rd, ns, query, target, include)
            if method == "POST":
                if rd.namespaced and not ns:
                    raise errors.method_not_allowed()
                obj = store.create(rd, ns, self._json(body))
                return self._answer(201, rd, obj, target, include)
            if method == "DELETE":
                return lists.delete_collection(self, rd, ns, query)
            raise errors.method_not_allowed()
        if method == "GET":
            return self._answer(200, rd, store.get(rd, ns, name), target, include)
        if method == "PUT":
            obj, created = store.update(rd, ns, name, self._json(body), sub)
            return self._answer(201 if created else 200, rd, obj, target, include)
        if method == "PATCH":
            return self._answer(200, rd, self._patch(rd, ns, name, sub, body), target, include)
        if method == "DELETE":
            options = self._json(body) if body.strip() else {}
            preconditions = options.get("preconditions") if isinstance(options, dict) else None
            obj, gone = store.delete(rd, ns, name, preconditions if isinstance(preconditions, dict) else None)
            if gone and not rd.return_deleted_object:
                return self.send_json(200, {"kind": "Status", "apiVersion": "v1", "metadata": {},
                                            "status": "Success",
                                            "details": {"name": name, "group": rd.group, "kind": rd.plural,
                                                        "uid": obj["metadata"]["uid"]}})
            return self._answer(200, rd, obj, target, include)
        raise errors.method_not_allowed()

    def _answer(self, code, rd, obj, target, include):
        """One object as the Accept header asked (as kube-apiserver, also for a write's answer:
        the write has happened even when the conversion is then refused)."""
        if target is not None and target.kind == "Table":
            return self.send_json(code, tables.table(rd, [obj], include,
                                                     {"resourceVersion": obj["metadata"]["resourceVersion"]},
                                                     api_version=target.api_version))
        return self.send_json(code, negotiation.object_for(target, rd, self._out(rd, obj)))

    def _patch(self, rd, ns, name, sub, body):
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        accepted = list(_PATCH_TYPES[:2]) + ([_PATCH_TYPES[2]] if not rd.is_custom else []) + [_PATCH_TYPES[3]]
        if content_type not in accepted or content_type == "application/apply-patch+yaml":
            raise errors.unsupported_media_type(accepted)
        patch = self._json(body)
        store = self.server.store
        # Read-patch-write is atomic, so a patch sees a conflict only when it carries a
        # metadata.resourceVersion other than the stored one (a precondition, as in Kubernetes).
        with store.lock:
            current = store.get(rd, ns, name)
            if content_type == "application/json-patch+json":
                patched = patches.json_patch(current, patch)
            else:
                # Strategic merge patch is treated as a JSON merge patch (documented).
                if not isinstance(patch, dict):
                    raise errors.bad_request("json: cannot unmarshal into Go value of type map[string]interface {}")
                patched = patches.merge_patch(current, patch)
            if not isinstance(patched, dict):
                raise errors.bad_request("the patched object is not a JSON object")
            obj, _ = store.update(rd, ns, name, patched, sub, from_patch=True)
        return obj

    @staticmethod
    def _json(body):
        try:
            return json.loads(body.decode("utf-8")) if body else None
        except (UnicodeDecodeError, ValueError) as error:
            raise errors.bad_request(f"couldn't get version/kind; json parse error: {error}")

    @staticmethod
    def _out(rd, obj):
        """Objects of a multi-version CRD are stored once and served under the asked version."""
        obj = rd.present(obj)
        if obj.get("apiVersion") != rd.api_version:
            obj = dict(obj, apiVersion=rd.api_version)
        return obj
