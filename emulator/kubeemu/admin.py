"""The /_emulator admin endpoints (faults, request log, watch cuts, compaction, tokens)."""

import json

from . import errors
from .errors import ApiError


def handle(handler, method, path, query, body, token):
    server = handler.server
    if token is None or not server.token_accepted(token, admin=True):
        handler.send_error_status(errors.unauthorized())
        return
    try:
        data = json.loads(body) if body else None
    except ValueError as error:
        handler.send_error_status(errors.bad_request(f"invalid JSON: {error}"))
        return
    try:
        route = (method, path.rstrip("/"))
        if route == ("POST", "/_emulator/faults"):
            handler.send_json(201, {"id": server.faults.add(data)})
        elif route == ("GET", "/_emulator/faults"):
            handler.send_json(200, server.faults.list())
        elif route == ("DELETE", "/_emulator/faults"):
            server.faults.clear()
            handler.send_json(200, {"cleared": True})
        elif route == ("GET", "/_emulator/requests"):
            try:
                since = int(query.get("since") or 0)
            except ValueError:
                raise errors.bad_request("since must be an integer")
            handler.send_json(200, server.requests.since(since))
        elif route == ("GET", "/_emulator/watches"):
            handler.send_json(200, server.store.open_watches())
        elif route == ("POST", "/_emulator/watches/cut"):
            with server.store.lock:
                count = len(server.store.watchers)
            server.store.cut_watches()
            handler.send_json(200, {"cut": count})
        elif route == ("POST", "/_emulator/compact"):
            server.store.compact()
            with server.snapshots_lock:
                server.snapshots.clear()  # continue tokens expire with the history, as in etcd
            handler.send_json(200, {"compactedResourceVersion": str(server.store.compacted_rv)})
        elif route == ("PUT", "/_emulator/tokens"):
            tokens = data.get("tokens") if isinstance(data, dict) else None
            users = (data.get("users") or {}) if isinstance(data, dict) else {}
            if not isinstance(tokens, list) or not all(isinstance(t, str) and t for t in tokens):
                raise errors.bad_request('body must be {"tokens": ["..."], "users": {"<token>": "<user>"}}')
            if not isinstance(users, dict) or not all(t in tokens and isinstance(u, str) and u
                                                      for t, u in users.items()):
                raise errors.bad_request('"users" must map tokens listed in "tokens" to non-empty user names')
            server.set_tokens(tokens, users)
            handler.send_json(200, {"tokens": len(tokens)})
        else:
            handler.send_error_status(errors.resource_not_found())
    except ApiError as error:
        handler.send_error_status(error)
