"""JSON merge patch (RFC 7386) and JSON patch (RFC 6902, including `test`)."""

import copy

from .errors import ApiError, bad_request


def merge_patch(target, patch):
    """RFC 7386: objects merge recursively, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _unescape(token):
    return token.replace("~1", "/").replace("~0", "~")


def _split(pointer):
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise bad_request(f'the server rejected our request due to an error in our request: '
                          f'invalid JSON pointer "{pointer}"')
    return [_unescape(t) for t in pointer[1:].split("/")]


class _PatchFailed(Exception):
    pass


def _walk(doc, tokens):
    """Returns the container holding the last token."""
    node = doc
    for token in tokens[:-1]:
        if isinstance(node, dict):
            if token not in node:
                raise _PatchFailed(f"doc is missing path: \"/{'/'.join(tokens)}\"")
            node = node[token]
        elif isinstance(node, list):
            node = node[_index(node, token, allow_end=False)]
        else:
            raise _PatchFailed(f"doc is missing path: \"/{'/'.join(tokens)}\"")
    return node


def _index(array, token, allow_end):
    if token == "-" and allow_end:
        return len(array)
    if not token.isdigit() or (len(token) > 1 and token[0] == "0"):
        raise _PatchFailed(f"invalid array index: {token}")
    index = int(token)
    limit = len(array) if allow_end else len(array) - 1
    if index > limit:
        raise _PatchFailed(f"index out of range: {index}")
    return index


def _get(doc, tokens):
    if not tokens:
        return doc
    parent = _walk(doc, tokens)
    last = tokens[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise _PatchFailed(f"doc is missing key: /{'/'.join(tokens)}")
        return parent[last]
    if isinstance(parent, list):
        return parent[_index(parent, last, allow_end=False)]
    raise _PatchFailed(f"doc is missing path: /{'/'.join(tokens)}")


def _add(doc, tokens, value):
    if not tokens:
        return value
    parent = _walk(doc, tokens)
    last = tokens[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        parent.insert(_index(parent, last, allow_end=True), value)
    else:
        raise _PatchFailed(f"doc is missing path: /{'/'.join(tokens)}")
    return doc


def _remove(doc, tokens):
    if not tokens:
        raise _PatchFailed("unable to remove the whole document")
    parent = _walk(doc, tokens)
    last = tokens[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise _PatchFailed(f"unable to remove nonexistent key: {last}: missing value")
        return parent.pop(last)
    if isinstance(parent, list):
        return parent.pop(_index(parent, last, allow_end=False))
    raise _PatchFailed(f"doc is missing path: /{'/'.join(tokens)}")


def json_patch(doc, operations):
    """RFC 6902. A failed `test` (or any failed operation) is 422 like kube-apiserver."""
    if not isinstance(operations, list):
        raise bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    doc = copy.deepcopy(doc)
    try:
        for operation in operations:
            if not isinstance(operation, dict) or not isinstance(operation.get("op"), str):
                raise bad_request("the server rejected our request due to an error in our "
                                  "request: json patch operation has no op")
            op = operation["op"]
            path = operation.get("path")
            if not isinstance(path, str):
                raise bad_request(f"the server rejected our request due to an error in our "
                                  f"request: {op} operation has no path")
            tokens = _split(path)
            if op == "add":
                doc = _add(doc, tokens, copy.deepcopy(operation.get("value")))
            elif op == "remove":
                _remove(doc, tokens)
            elif op == "replace":
                _get(doc, tokens)  # must exist
                if tokens:
                    _remove(doc, tokens)
                doc = _add(doc, tokens, copy.deepcopy(operation.get("value")))
            elif op in ("move", "copy"):
                source = _split(operation.get("from", ""))
                value = copy.deepcopy(_get(doc, source))
                if op == "move":
                    _remove(doc, source)
                doc = _add(doc, tokens, value)
            elif op == "test":
                if not _json_equal(_get(doc, tokens), operation.get("value")):
                    raise _PatchFailed(f"testing value {path} failed: test failed")
            else:
                raise bad_request(f"the server rejected our request due to an error in our "
                                  f"request: Unexpected kind: {op}")
    except _PatchFailed as failure:
        raise ApiError(422, "Invalid", str(failure))
    return doc


def _json_equal(a, b):
    """JSON equality: 1 == 1.0, but true != 1 (Python's == conflates bool and int)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b))
    return a == b
