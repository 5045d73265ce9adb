"""Structural-schema handling for custom resources: prune, default, validate.

Covers the parts of a CRD's openAPIV3Schema our CRDs use and that kube-apiserver enforces:
pruning of unknown fields (unless x-kubernetes-preserve-unknown-fields), dropping nulls of
non-nullable fields, `default`, `type`, `required`, `enum`, `pattern`, `minimum`/`maximum`
(and the exclusive forms), `minLength`/`maxLength`, `minItems`/`maxItems`,
`x-kubernetes-int-or-string`, `additionalProperties` (schema-valued maps).
Not covered: CEL rules (x-kubernetes-validations), `format`, oneOf/anyOf/allOf/not,
list-type/map-type uniqueness.
"""

import copy
import json
import re

_TYPE_NAMES = {bool: "boolean", int: "integer", float: "number", str: "string",
               list: "array", dict: "object"}


def _type_of(value):
    if value is None:
        return "null"
    return _TYPE_NAMES.get(type(value), "unknown")


def _go(value):
    """Render a value the way Go's %#v-ish error messages do."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _join(path, key):
    return f"{path}.{key}" if path else key


def prune_and_default(value, schema, path="", root=True):
    """Returns a new value with unknown fields removed, null non-nullable fields dropped and
    defaults applied (kube-apiserver does these in that order)."""
    if not isinstance(schema, dict):
        return value
    if isinstance(value, dict) and (schema.get("type") in ("object", None)):
        properties = schema.get("properties")
        additional = schema.get("additionalProperties")
        preserve = schema.get("x-kubernetes-preserve-unknown-fields") is True
        result = {}
        for key, child in value.items():
            if root and key in ("apiVersion", "kind", "metadata"):
                result[key] = child
                continue
            child_schema = None
            if properties is not None and key in properties:
                child_schema = properties[key]
            elif isinstance(additional, dict):
                child_schema = additional
            elif additional is True or preserve or (properties is None and additional is None
                                                    and schema.get("type") is None):
                result[key] = child
                continue
            if child_schema is None:
                continue  # pruned
            if child is None and not child_schema.get("nullable", False):
                continue  # dropped, then possibly defaulted below
            result[key] = prune_and_default(child, child_schema, _join(path, key), False)
        for key, child_schema in (properties or {}).items():
            if key not in result and isinstance(child_schema, dict) and "default" in child_schema:
                result[key] = prune_and_default(copy.deepcopy(child_schema["default"]),
                                                child_schema, _join(path, key), False)
        return result
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [prune_and_default(item, schema["items"], f"{path}[{i}]", False)
                for i, item in enumerate(value)]
    return value


def validate(value, schema, path=""):
    """Returns a list of (field, reason, message) causes; empty when valid."""
    errors = []
    _validate(value, schema, path, errors, root=True)
    return errors


def _validate(value, schema, path, errors, root=False):
    if not isinstance(schema, dict):
        return
    expected = schema.get("type")
    if value is None:
        if not schema.get("nullable", False) and expected:
            errors.append((path, "FieldValueInvalid",
                           f'Invalid value: "null": {path or "body"} in body must be of type {expected}: "null"'))
        return
    actual = _type_of(value)
    int_or_string = schema.get("x-kubernetes-int-or-string") is True
    if int_or_string:
        if actual not in ("integer", "string"):
            errors.append((path, "FieldValueInvalid",
                           f'Invalid value: "{actual}": {path} in body must be of type '
                           f'integer-or-string: "{actual}"'))
            return
    elif expected and actual != expected and not (expected == "number" and actual == "integer"):
        errors.append((path, "FieldValueInvalid",
                       f'Invalid value: "{actual}": {path} in body must be of type {expected}: "{actual}"'))
        return
    if "enum" in schema and value not in schema["enum"]:
        supported = ", ".join(_go(v) for v in schema["enum"])
        errors.append((path, "FieldValueNotSupported",
                       f"Unsupported value: {_go(value)}: supported values: {supported}"))
    if isinstance(value, str):
        pattern = schema.get("pattern")
        if pattern is not None:
            try:
                ok = re.search(pattern, value) is not None
            except re.error:
                ok = True  # a pattern Python cannot compile is not the client's fault
            if not ok:
                errors.append((path, "FieldValueInvalid",
                               f"Invalid value: {_go(value)}: {path} in body should match '{pattern}'"))
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append((path, "FieldValueTooLong",
                           f"Too long: may not be longer than {schema['maxLength']}"))
        if "minLength" in schema and len(value) < schema["minLength"]:
            errors.append((path, "FieldValueInvalid",
                           f"Invalid value: {_go(value)}: {path} in body should be at least "
                           f"{schema['minLength']} chars long"))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        _bounds(value, schema, path, errors)
    if isinstance(value, list):
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append((path, "FieldValueTooMany",
                           f"Too many: {len(value)}: must have at most {schema['maxItems']} items"))
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append((path, "FieldValueInvalid",
                           f"Invalid value: {len(value)}: {path} in body should have at least "
                           f"{schema['minItems']} items"))
        for i, item in enumerate(value):
            _validate(item, schema.get("items"), f"{path}[{i}]", errors)
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                errors.append((_join(path, key), "FieldValueRequired", "Required value"))
        properties = schema.get("properties") or {}
        additional = schema.get("additionalProperties")
        for key, child in value.items():
            if root and key in ("apiVersion", "kind", "metadata"):
                continue
            if key in properties:
                _validate(child, properties[key], _join(path, key), errors)
            elif isinstance(additional, dict):
                _validate(child, additional, _join(path, key), errors)


def _bounds(value, schema, path, errors):
    if "minimum" in schema:
        low, exclusive = schema["minimum"], schema.get("exclusiveMinimum") is True
        if value < low or (exclusive and value == low):
            words = "greater than" if exclusive else "greater than or equal to"
            errors.append((path, "FieldValueInvalid",
                           f"Invalid value: {_go(value)}: {path} in body should be {words} {_go(low)}"))
    if "maximum" in schema:
        high, exclusive = schema["maximum"], schema.get("exclusiveMaximum") is True
        if value > high or (exclusive and value == high):
            words = "less than" if exclusive else "less than or equal to"
            errors.append((path, "FieldValueInvalid",
                           f"Invalid value: {_go(value)}: {path} in body should be {words} {_go(high)}"))
