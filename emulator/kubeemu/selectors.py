"""Label and field selectors with the grammar and error messages of apimachinery."""

import re

from .errors import bad_request

_NAME = r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?"
_KEY_RE = re.compile(r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?" + _NAME + "$")
_VALUE_RE = re.compile(r"^(" + _NAME + ")?$")
_TOKEN_RE = re.compile(r"\s*(==|!=|=|\(|\)|,|!|[^\s=!(),]+)")


def _tokens(text):
    pos, out = 0, []
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise bad_request(f"unable to parse requirement: unexpected character at {pos}")
        out.append(m.group(1))
        pos = m.end()
    return out


def _check_key(key):
    if len(key.split("/")[-1]) > 63 or not _KEY_RE.match(key):
        raise bad_request(f'unable to parse requirement: invalid label key "{key}"')


def _check_value(value):
    if len(value) > 63 or not _VALUE_RE.match(value):
        raise bad_request(f'unable to parse requirement: invalid label value: "{value}"')


def parse_label_selector(text):
    """Returns a predicate over a labels dict. Raises ApiError(400) on a malformed selector."""
    if not text or not text.strip():
        return lambda labels: True
    toks, i, reqs = _tokens(text), 0, []

    def take():
        nonlocal i
        if i >= len(toks):
            raise bad_request(f"unable to parse requirement: found '', expected: identifier")
        i += 1
        return toks[i - 1]

    while i < len(toks):
        tok = take()
        if tok == "!":
            key = take()
            _check_key(key)
            reqs.append(("!", key, None))
        else:
            key = tok
            _check_key(key)
            op = toks[i] if i < len(toks) else ","
            if op == ",":
                reqs.append(("exists", key, None))
            elif op in ("=", "==", "!=", ">", "<"):
                i += 1
                value = take() if i < len(toks) and toks[i] != "," else ""
                if op in (">", "<"):
                    if not re.fullmatch(r"-?\d+", value):
                        raise bad_request(f"unable to parse requirement: for 'gt', 'lt' operators, "
                                          f"the value must be an integer")
                else:
                    _check_value(value)
                reqs.append((op, key, value))
            elif op in ("in", "notin"):
                i += 1
                if take() != "(":
                    raise bad_request("unable to parse requirement: found '', expected: '('")
                values = set()
                while True:
                    v = take()
                    if v == ")":
                        break
                    if v == ",":
                        continue
                    _check_value(v)
                    values.add(v)
                reqs.append((op, key, values))
            else:
                raise bad_request(f"unable to parse requirement: found '{op}', expected: "
                                  f"in, notin, =, ==, !=, gt, lt")
        if i < len(toks):
            if toks[i] != ",":
                raise bad_request(f"unable to parse requirement: found '{toks[i]}', expected: ','")
            i += 1
            if i == len(toks):
                raise bad_request("unable to parse requirement: found '', expected: identifier")

    def matches(labels):
        labels = labels or {}
        for op, key, value in reqs:
            have = key in labels
            current = labels.get(key)
            if op == "exists" and not have:
                return False
            if op == "!" and have:
                return False
            if op in ("=", "==") and current != value:
                return False
            if op == "!=" and have and current == value:
                return False
            if op == "in" and current not in value:
                return False
            if op == "notin" and have and current in value:
                return False
            if op in (">", "<"):
                try:
                    number = int(current)
                except (TypeError, ValueError):
                    return False
                if (op == ">" and not number > int(value)) or (op == "<" and not number < int(value)):
                    return False
        return True

    return matches


def _get_path(obj, dotted):
    for part in dotted.split("."):
        if not isinstance(obj, dict):
            return ""
        obj = obj.get(part)
    if obj is None:
        return ""
    return str(obj)


def parse_field_selector(text, supported):
    """Returns a predicate over an object. `supported` lists the selectable field paths."""
    if not text or not text.strip():
        return lambda obj: True
    reqs = []
    for term in text.split(","):
        term = term.strip()
        if not term:
            continue
        m = re.fullmatch(r"([^=!]+?)\s*(==|!=|=)\s*(.*)", term)
        if not m:
            raise bad_request(f'invalid selector: \'{text}\'; can\'t understand \'{term}\'')
        field, op, value = m.group(1).strip(), m.group(2), m.group(3).strip()
        if field not in supported:
            raise bad_request(f'field label not supported: {field}')
        reqs.append((field, op, value))

    def matches(obj):
        for field, op, value in reqs:
            current = _get_path(obj, field)
            if (op == "!=") == (current == value):
                return False
        return True

    return matches
