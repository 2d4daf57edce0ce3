"""The JSON Schemas shipped with bookgen, one per content kind, and plain-word error messages."""

from __future__ import annotations

import difflib
import json
import re
from functools import cache
from importlib import resources
from typing import Any, Callable

import fastjsonschema
from jsonschema import Draft202012Validator, ValidationError, validators

from bookgen.ids import id_problem

SCHEMA_NAMES = ("book", "source", "actor", "issue", "event", "claim", "annotations")


@cache
def schema(name: str) -> dict[str, Any]:
    return json.loads(resources.files("bookgen.schemas").joinpath(f"{name}.schema.json").read_text("utf-8"))


ID_SCHEMA_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """``pattern`` with whole-string semantics: Python's ``$`` also matches before a final newline,
    so "ok\\n" would pass ``^...$``; a trailing ``$`` is read as ``\\Z``. Id fields follow the
    full id rule of :func:`bookgen.ids.id_problem` (length, device names, look-alikes)."""
    if not isinstance(instance, str):
        return
    if pattern == ID_SCHEMA_PATTERN:
        bad = id_problem(instance) is not None
    else:
        bad = re.search(_whole(pattern), instance) is None
    if bad:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _whole(pattern: str) -> str:
    """``pattern`` anchored at the very end of the string (a trailing ``$`` read as ``\\Z``)."""
    return pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith("\\$") else pattern


_Validator = validators.extend(Draft202012Validator, {"pattern": _pattern})


@cache
def validator(name: str) -> Draft202012Validator:
    return _Validator(schema(name))


@cache
def quick_check(name: str) -> Callable[[Any], Any]:
    """The same verdict as :func:`validator`, compiled to Python by fastjsonschema (about 20x
    faster): raises ``fastjsonschema.JsonSchemaException`` when the value is invalid, and then
    :func:`validator` is asked for the plain-word errors. Patterns keep bookgen's semantics
    (a trailing ``$`` is ``\\Z``; ids follow :func:`bookgen.ids.id_problem`)."""
    return fastjsonschema.compile(_draft7(schema(name)), formats={_ID_FORMAT: lambda v: id_problem(v) is None})


_ID_FORMAT = "bookgen-id"


def _draft7(node: Any) -> Any:
    """The schema as draft 7 (fastjsonschema's newest; the keywords used mean the same there)."""
    if isinstance(node, list):
        return [_draft7(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _draft7(v) for k, v in node.items()}
    if out.get("$schema"):
        out["$schema"] = "http://json-schema.org/draft-07/schema#"
    if isinstance(out.get("allOf"), list):
        out["allOf"] = [_if_without_raising(rule, out) for rule in out["allOf"]]
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        del out["pattern"]
        if pattern == ID_SCHEMA_PATTERN:
            out["format"] = _ID_FORMAT
        else:
            out["pattern"] = _whole(pattern)
    return out


def _if_without_raising(rule: Any, parent: dict[str, Any]) -> Any:
    """``if P is C then T`` as ``if P is another of its allowed values else T``: the same verdict
    wherever P is required and limited to an ``enum`` holding C (any other value fails anyway).
    fastjsonschema signals a failing ``if`` by raising an exception with a formatted message, and
    for an annotation three of the four kind rules fail: that was a third of checking a book."""
    if not isinstance(rule, dict) or set(rule) != {"if", "then"} or not isinstance(rule["if"], dict) \
            or set(rule["if"]) != {"properties"} or not isinstance(rule["if"]["properties"], dict) \
            or len(rule["if"]["properties"]) != 1:
        return rule
    (prop, cond), = rule["if"]["properties"].items()
    allowed = parent.get("properties", {}).get(prop, {}).get("enum")
    if not isinstance(cond, dict) or set(cond) != {"const"} or not isinstance(allowed, list) \
            or prop not in parent.get("required", ()) or cond["const"] not in allowed:
        return rule
    others = [v for v in allowed if v != cond["const"]]
    if not others:
        return rule
    return {"if": {"properties": {prop: {"enum": others}}}, "else": rule["then"]}


def suggest(word: str, choices: Any) -> str:
    """' (did you mean 'x'?)' for the closest choice, or ''."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _field(path: tuple[Any, ...]) -> str:
    parts = [f"[{p + 1}]" if isinstance(p, int) else f".{p}" for p in path]
    return "".join(parts).lstrip(".") or "the file"


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text"}.get(type(value), type(value).__name__)


_WANT = {"object": "a mapping of fields", "array": "a list", "string": "text"}


def plain_message(error: ValidationError) -> tuple[tuple[Any, ...], bool, str]:
    """Rewrite a jsonschema error as (path to point at, point at key?, message in plain words)."""
    path = tuple(error.absolute_path)
    where = _field(path)
    kw, inst, sch = error.validator, error.instance, error.schema
    if kw == "required":
        missing = [f for f in error.validator_value if not isinstance(inst, dict) or f not in inst]
        name = missing[0] if missing else "?"
        kind = inst.get("kind") if isinstance(inst, dict) else None
        noun = "annotation" if isinstance(inst, dict) and "quote" in inst else "issue"
        context = f" (a '{kind}' {noun} needs it)" if kind and error.relative_schema_path[0] == "allOf" else ""
        if name == "status" and isinstance(inst, dict) and "summary" in inst:  # an issue
            return path, False, (f"missing required field 'status' in {where}; add it, or `kind: background` "
                                 "for an issue that is context, not negotiated (see CONTENT.md)")
        return path, False, f"missing required field '{name}' in {where}{context}; add it (see CONTENT.md)"
    if kw == "additionalProperties":
        allowed = list(sch.get("properties", {}))
        extra = [k for k in inst if k not in allowed] if isinstance(inst, dict) else []
        name = extra[0] if extra else "?"
        hint = suggest(name, allowed) or f"; allowed fields: {', '.join(allowed)}"
        return path + (name,), True, f"unknown field '{name}'{hint}"
    if kw == "type":
        want = _WANT.get(error.validator_value, error.validator_value)
        got = _type_name(inst)
        extra = ""
        if error.validator_value == "string" and isinstance(inst, (dict, list)):
            extra = " (quote it if it contains ': ' or starts with '[' or '{')"
        return path, False, f"{where} should be {want}, not {got}{extra}"
    if kw == "enum":
        choices = [str(c) for c in error.validator_value]
        return path, False, f"{where} is '{inst}', which is not one of: {', '.join(choices)}{suggest(str(inst), choices)}"
    if kw == "pattern" and isinstance(inst, str):
        if "a-f" in error.validator_value:
            return path, False, f"{where} must be 64 lower-case hex digits (a sha256); `bookgen check` prints the right value"
        why = id_problem(inst) or f"'{inst}' does not match {error.validator_value}"
        return path, False, f"{where}: {why}"
    if kw == "minItems":
        return path, False, f"{where} is empty; it needs at least {error.validator_value} item(s)"
    if kw == "minLength":
        return path, False, f"{where} is empty; write some text or remove the field"
    if kw == "maxLength":
        return path, False, f"{where} is longer than {error.validator_value} characters"
    return path, False, f"{where}: {error.message}"
