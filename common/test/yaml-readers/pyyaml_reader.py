# Reads a JSON array of YAML texts on stdin and prints, for each, what PyYAML's safe_load makes of it, as JSON.
import json
import sys

import yaml

JSON_SCALARS = (str, int, float, bool, type(None))


def plain(value):
    """The value as JSON; a type JSON lacks (a YAML 1.1 date, bytes, a set) is marked, so it never equals a string."""
    if isinstance(value, dict):
        return {key if isinstance(key, JSON_SCALARS) else f"!{type(key).__name__} {key}": plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, JSON_SCALARS):
        return value
    return {f"!{type(value).__name__}": repr(value)}


def read(text):
    try:
        return {"ok": True, "value": plain(yaml.safe_load(text))}
    except yaml.YAMLError as error:
        return {"ok": False, "error": str(error)}


print(json.dumps([read(text) for text in json.load(sys.stdin)]))
