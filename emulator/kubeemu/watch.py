"""Watch streams: chunked JSON lines, history replay, bookmarks, timeouts, 410 as an event."""

import json
import queue
import time

from . import errors, lists, negotiation, tables


def _parse_rv(text):
    if text in (None, "", "0"):
        return None  # start with synthetic ADDED events for the current state
    try:
        value = int(text)
    except ValueError:
        raise errors.ApiError(400, "BadRequest", f'resourceVersion: Invalid value: "{text}": '
                                                 f"strconv.ParseUint: parsing \"{text}\": invalid syntax")
    return value


class _Stream:
    def __init__(self, handler):
        self.handler = handler
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Cache-Control", "no-cache, private")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        handler.wfile.flush()

    def send(self, event_type, obj):
        data = json.dumps({"type": event_type, "object": obj}, separators=(",", ":")).encode() + b"\n"
        self.handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.handler.wfile.flush()

    def finish(self):
        self.handler.wfile.write(b"0\r\n\r\n")
        self.handler.wfile.flush()


def serve(handler, rd, ns, query, target, include):
    """`target`: the negotiated conversion of each event's object (None: plain objects)."""
    as_table = target is not None and target.kind == "Table"
    server = handler.server
    store = server.store
    match = lists.predicate(rd, query)
    since = _parse_rv(query.get("resourceVersion"))
    try:
        timeout = float(query["timeoutSeconds"]) if query.get("timeoutSeconds") else 1800.0
    except ValueError:
        raise errors.bad_request("timeoutSeconds must be an integer")
    bookmarks = query.get("allowWatchBookmarks") in ("1", "true", "True")
    try:
        watcher = store.add_watcher(rd, ns, match, since)
    except errors.ApiError as error:
        if error.code != 410:
            raise
        # Like kube-apiserver: the watch is accepted (200), then fails with an ERROR event.
        stream = _Stream(handler)
        stream.send("ERROR", error.status())
        stream.finish()
        return 200
    first_table = [True]

    def render(obj):
        obj = handler._out(rd, obj)
        if as_table:
            with_columns, first_table[0] = first_table[0], False
            return tables.table(rd, [obj], include, {"resourceVersion": obj["metadata"]["resourceVersion"]},
                                with_columns, api_version=target.api_version)
        return negotiation.object_for(target, rd, obj)

    # For GET /_emulator/watches: which client holds this stream open, and since when.
    pending = getattr(handler, "_pending_log", None) or (None,) * 6
    watcher.request = {"path": pending[1], "query": pending[2], "userAgent": pending[3], "user": pending[5],
                       "started": time.time()}
    deadline = time.monotonic() + timeout
    next_bookmark = time.monotonic() + server.bookmark_interval
    try:
        stream = _Stream(handler)
        while True:
            now = time.monotonic()
            if now >= deadline:
                stream.finish()
                return 200
            wait = min(deadline, next_bookmark if bookmarks else deadline, now + 0.5) - now
            try:
                event = watcher.queue.get(timeout=max(wait, 0.001))
            except queue.Empty:
                event = False
            if event is None:  # cut by the admin endpoint: close abruptly, no final chunk
                handler.drop_connection()
                return 200
            if event:
                stream.send(event.type, render(event.obj))
                continue
            if handler.client_gone():
                handler.close_connection = True
                return 200
            if bookmarks and time.monotonic() >= next_bookmark:
                next_bookmark = time.monotonic() + server.bookmark_interval
                with store.lock:
                    # Everything up to the current RV has been queued; send only if drained.
                    rv = str(store.rv) if watcher.queue.empty() else None
                if rv is not None:
                    # A bookmark is an object of the watched kind, converted like the others.
                    mark = {"kind": rd.kind, "apiVersion": rd.api_version, "metadata": {"resourceVersion": rv}}
                    stream.send("BOOKMARK", mark if as_table else negotiation.object_for(target, rd, mark))
    except (BrokenPipeError, ConnectionResetError, OSError):
        handler.close_connection = True
        return 200
    finally:
        store.remove_watcher(watcher)
