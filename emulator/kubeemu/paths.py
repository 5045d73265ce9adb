"""Parsing of API paths into (group, version, namespace, plural, name, subresource)."""

import collections

Route = collections.namedtuple("Route", "group version namespace plural name subresource")


def parse(store, path):
    """Returns a Route for a resource path, or None when the path is not a resource path."""
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 3 and parts[0] == "api" and parts[1] == "v1":
        group, version, rest = "", "v1", parts[2:]
    elif len(parts) >= 4 and parts[0] == "apis":
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return None
    if len(rest) >= 3 and rest[0] == "namespaces":
        rd = store.resource(group, version, rest[2])
        if rd is not None and rd.namespaced:
            return _route(group, version, rest[1], rest[2:])
    return _route(group, version, None, rest)


def _route(group, version, namespace, rest):
    if len(rest) > 3:
        return Route(group, version, namespace, rest[0], rest[1], "/".join(rest[2:]))
    return Route(group, version, namespace, rest[0], rest[1] if len(rest) > 1 else None,
                 rest[2] if len(rest) > 2 else None)
