"""Task and event forms: JSON Schemas in forms/, validated with jsonschema.

A form is found by file name in the gemeente's form folders (its own first, then base).
``validate`` returns the cleaned answers, with dates marked ``x-default-now`` filled with
today, or raises InvalidInput naming every bad field in Dutch. A date marked
``x-niet-na-vandaag`` (a birth date, the day a melding arrived) may not lie in the future.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

from .engine import clock
from .errors import InvalidInput, NotFound

_FORMATS = FormatChecker()
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # all but tab, line feed and carriage return (NUL: PostgreSQL refuses it)


@lru_cache(maxsize=512)
def _read(path: str) -> dict:
    schema = json.loads(Path(path).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


def find(form_dirs: list[Path], name: str) -> dict:
    """Return the schema ``name`` (e.g. "gesprek_plannen.json" or "events/overlijden.json")."""
    if "/" in name.replace("events/", "", 1) or ".." in name:
        raise NotFound(f"formulier {name!r} bestaat niet")
    for folder in reversed(form_dirs):
        path = folder / name
        if path.is_file():
            return _read(str(path))
    raise NotFound(f"formulier {name!r} bestaat niet")


def exists(form_dirs: list[Path], name: str) -> bool:
    """Whether a form of that name exists for the gemeente."""
    return any((folder / name).is_file() for folder in form_dirs)


def validate(schema: dict, answers) -> dict:
    """Return ``answers`` with defaults applied, or raise InvalidInput with a reason per field."""
    if not isinstance(answers, dict):
        raise InvalidInput("de gegevens moeten een JSON-object zijn", {"_": "geen object"})
    cleaned = dict(answers)
    for name, prop in schema.get("properties", {}).items():
        if prop.get("x-default-now") and cleaned.get(name) in (None, ""):
            cleaned[name] = clock.today_iso()
    fields: dict[str, str] = control_characters(cleaned)
    for error in Draft202012Validator(schema, format_checker=_FORMATS).iter_errors(cleaned):
        for field, reason in _explain(error, schema):
            fields.setdefault(field, reason)
    today = clock.today_iso()
    for name, prop in schema.get("properties", {}).items():
        value = cleaned.get(name)
        if prop.get("x-niet-na-vandaag") and isinstance(value, str) and name not in fields and value[:10] > today:
            fields[name] = "mag niet na vandaag liggen"
    if fields:
        raise InvalidInput("het formulier bevat fouten", fields)
    return cleaned


def control_characters(answers) -> dict[str, str]:
    """Name every field whose text holds a NUL byte or another control character a person does not type."""
    return dict(_control_characters(answers))


def _control_characters(value, path: str = ""):
    if isinstance(value, str):
        if CONTROL_CHARACTERS.search(value):
            yield path or "_", "bevat een ongeldig teken (een stuurteken zoals een nul-byte)"
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if CONTROL_CHARACTERS.search(str(key)):
                yield (path or "_"), "bevat een veldnaam met een ongeldig teken"
            else:
                yield from _control_characters(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _control_characters(item, f"{path}.{index}" if path else str(index))


def _explain(error, schema) -> list[tuple[str, str]]:
    path = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        prefix = f"{path}." if path else ""
        return [(prefix + name, "is verplicht") for name in missing]
    if error.validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = [name for name in (error.instance or {}) if name not in allowed]
        prefix = f"{path}." if path else ""
        return [(prefix + name, "is geen veld van dit formulier") for name in extra]
    field = path or "_"
    if error.validator == "type":
        expected = error.validator_value
        return [(field, f"heeft het verkeerde type (verwacht {_TYPES.get(str(expected), expected)})")]
    if error.validator == "enum":
        return [(field, "moet een van deze waarden zijn: " + ", ".join(map(str, error.validator_value)))]
    if error.validator == "format" and error.validator_value == "date":
        return [(field, "moet een datum zijn (JJJJ-MM-DD)")]
    if error.validator in ("minLength", "maxLength", "minimum", "maximum", "pattern", "const", "format"):
        return [(field, _SIMPLE.get(error.validator, "is ongeldig") + f" ({error.validator_value})")]
    return [(field, error.message)]


_TYPES = {"string": "tekst", "boolean": "ja/nee (true of false)", "integer": "geheel getal",
          "number": "getal", "object": "object", "array": "lijst"}
_SIMPLE = {"minLength": "is te kort", "maxLength": "is te lang", "minimum": "is te klein",
           "maximum": "is te groot", "pattern": "heeft niet de juiste vorm", "const": "moet gelijk zijn aan",
           "format": "heeft niet het juiste formaat"}
