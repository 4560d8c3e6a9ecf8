"""HTML forms from the JSON Schemas in forms/: the fields to render, and typed answers from a POST.

No Flask here: ``fields`` turns a schema, the values to show and the field errors into plain
``Field`` objects that ``templates/web/_formulier.html`` renders; ``parse`` turns the posted
strings back into answers of the schema's types. Nested objects are named with dots
("adres.postcode"), as the error paths of ``app.forms.validate`` are.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

YES, NO = "ja", "nee"


@dataclass
class Option:
    value: str
    label: str
    selected: bool = False


@dataclass
class Field:
    """One form control (or a fieldset of them) as the macro renders it."""

    name: str
    kind: str  # text | textarea | date | number | select | boolean | checkboxes | group
    label: str
    id: str
    help: str | None = None
    required: bool = False
    value: str = ""
    options: list[Option] = field(default_factory=list)
    error: str | None = None
    children: list["Field"] = field(default_factory=list)
    step: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    maxlength: int | None = None

    @property
    def help_id(self) -> str:
        return f"{self.id}-hulp"

    @property
    def error_id(self) -> str:
        return f"{self.id}-fout"

    @property
    def describedby(self) -> str:
        ids = ([self.help_id] if self.help else []) + ([self.error_id] if self.error else [])
        return " ".join(ids)

    @property
    def target(self) -> str:
        """The id a link from the error summary jumps to (the first control of a group)."""
        if self.kind in ("boolean", "checkboxes") and self.options:
            return f"{self.id}-{self.options[0].value}"
        if self.kind == "group" and self.children:
            return self.children[0].target
        return self.id


def field_id(name: str) -> str:
    """The HTML id of a field: ``veld-adres-postcode`` for ``adres.postcode``."""
    return "veld-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def _kind(prop: dict) -> str:
    kind = prop.get("type", "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    return kind


def _titles(prop: dict) -> list[str]:
    values = [v for v in prop.get("enum", []) if v is not None]
    titles = prop.get("x-enum-titles") or []
    return [titles[i] if i < len(titles) else str(v).replace("_", " ").capitalize() for i, v in enumerate(values)]


def fields(schema: dict, raw: dict, errors: dict[str, str] | None = None, defaults: bool = True,
           prefix: str = "", optional: bool = False) -> list[Field]:
    """Return the fields of ``schema`` showing ``raw`` (posted strings by dotted name) and ``errors``.

    With ``defaults``, empty dates marked ``x-default-now`` show ``today`` and fields with a
    ``default`` show it. Inside an ``optional`` group (a representative) no field is marked required.
    """
    errors = errors or {}
    required = set(schema.get("required", []))
    result = []
    for key, prop in schema.get("properties", {}).items():
        name = prefix + key
        kind = _kind(prop)
        item = Field(name=name, kind="text", label=prop.get("title", key), id=field_id(name),
                     help=prop.get("description"), required=key in required and not optional,
                     error=errors.get(name))
        value = raw.get(name)
        if kind == "object":
            item.kind = "group"
            item.children = fields(prop, raw, errors, defaults, prefix=name + ".", optional=not item.required)
        elif kind == "array":
            items = prop.get("items", {})
            chosen = value if isinstance(value, list) else ([value] if value else [])
            if "enum" in items:
                item.kind = "checkboxes"
                item.options = [Option(str(v), t, str(v) in chosen)
                                for v, t in zip([v for v in items["enum"] if v is not None], _titles(items))]
            else:
                item.kind = "textarea"
                item.help = " ".join(filter(None, [item.help, "Eén per regel."]))
                item.value = "\n".join(chosen)
        elif kind == "boolean":
            item.kind = "boolean"
            item.options = [Option(YES, "Ja", value == YES), Option(NO, "Nee", value == NO)]
        elif "enum" in prop:
            item.kind = "select"
            if value is None and defaults and "default" in prop:
                value = str(prop["default"])
            item.options = [Option(str(v), t, str(v) == value)
                            for v, t in zip([v for v in prop["enum"] if v is not None], _titles(prop))]
        elif kind in ("integer", "number"):
            item.kind = "number"
            item.step = "1" if kind == "integer" else "any"
            item.minimum, item.maximum = prop.get("minimum"), prop.get("maximum")
            item.value = value or ""
        else:
            item.kind = "date" if prop.get("format") == "date" else (
                "textarea" if prop.get("x-widget") == "textarea" else "text")
            if not value and defaults and prop.get("x-default-now"):
                from ..engine import clock

                value = clock.today_iso()
            elif not value and defaults and isinstance(prop.get("default"), str):
                value = prop["default"]
            item.value = value or ""
            item.maxlength = prop.get("maxLength")
        result.append(item)
    return result


def walk(items: list[Field]):
    """Every field, groups first and then their children."""
    for item in items:
        yield item
        yield from walk(item.children)


def error_summary(items: list[Field], errors: dict[str, str]) -> list[tuple[str, str]]:
    """(link target, message) per error, in the order of the form; errors of no field link to the form."""
    summary, seen = [], set()
    for item in walk(items):
        if item.error:
            summary.append((item.target, f"{item.label} {item.error}"))
            seen.add(item.name)
    for name, reason in errors.items():
        if name not in seen:
            summary.append(("formulier", reason if name == "_" else f"{name}: {reason}"))
    return summary


def explain(errors: dict[str, str], schema: dict) -> dict[str, str]:
    """Make the reasons of ``app.forms.validate`` read well next to a field (no regexes, ja/nee)."""
    result = {}
    for name, reason in errors.items():
        prop = _prop(schema, name)
        if reason.startswith("heeft niet de juiste vorm"):
            hint = (prop or {}).get("description")
            reason = "heeft niet de juiste vorm" + (f": {hint.rstrip('.')}" if hint else "")
        elif reason in ("moet gelijk zijn aan (True)", "moet gelijk zijn aan (False)"):
            reason = "moet 'ja' zijn" if "True" in reason else "moet 'nee' zijn"
        elif reason.startswith("moet een van deze waarden zijn"):
            reason = "moet een van de mogelijkheden zijn"
        elif reason.startswith("heeft het verkeerde type") and prop is not None:
            reason = _TYPE_REASON.get(_kind(prop), reason)
        result[name] = reason
    return result


_TYPE_REASON = {"boolean": "moet ja of nee zijn", "integer": "moet een geheel getal zijn", "number": "moet een getal zijn"}


def _prop(schema: dict, name: str) -> dict | None:
    prop = schema
    for part in name.split("."):
        prop = (prop or {}).get("properties", {}).get(part)
        if prop is None:
            return None
    return prop


def parse(schema: dict, form, prefix: str = "") -> tuple[dict, dict[str, str]]:
    """Return (answers, errors) from posted ``form`` (a MultiDict): typed values, empty fields left out.

    ``errors`` holds values that do not fit the field's type ("abc" for a number, a choice that is
    not offered, text longer than allowed); those values are left out of the answers.
    """
    answers, errors = {}, {}
    required = set(schema.get("required", []))
    for key, prop in schema.get("properties", {}).items():
        name = prefix + key
        kind = _kind(prop)
        if kind == "object":
            sub, sub_errors = parse(prop, form, prefix=name + ".")
            errors.update(sub_errors)
            if sub or key in required or sub_errors:
                answers[key] = sub
            continue
        if kind == "array":
            values = [v.strip() for v in _getlist(form, name) for v in v.splitlines()]
            values = [v for v in values if v]
            allowed = prop.get("items", {}).get("enum")
            if allowed is not None and any(v not in map(str, allowed) for v in values):
                errors[name] = "moet een van de mogelijkheden zijn"
            elif values:
                answers[key] = values
            continue
        text = (form.get(name) or "").strip()
        if text == "":
            continue
        try:
            answers[key] = _typed(kind, prop, text)
        except ValueError as reason:
            errors[name] = str(reason)
    return answers, errors


def _getlist(form, name: str) -> list[str]:
    return form.getlist(name) if hasattr(form, "getlist") else ([form[name]] if name in form else [])


def _typed(kind: str, prop: dict, text: str):
    if kind == "boolean":
        if text not in (YES, NO):
            raise ValueError("moet ja of nee zijn")
        return text == YES
    if kind in ("integer", "number"):
        number = text.replace(" ", "")
        if "," in number and "." not in number:
            number = number.replace(",", ".")  # Dutch decimal comma
        try:
            value = float(number)
        except ValueError:
            raise ValueError("moet een getal zijn") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("moet een getal zijn")
        if kind == "integer":
            if not value.is_integer():
                raise ValueError("moet een geheel getal zijn")
            return int(value)
        return int(value) if value.is_integer() else value
    if "enum" in prop and text not in [str(v) for v in prop["enum"] if v is not None]:
        raise ValueError("moet een van de mogelijkheden zijn")
    if prop.get("maxLength") is not None and len(text) > prop["maxLength"]:
        raise ValueError(f"is te lang (hoogstens {prop['maxLength']} tekens)")
    if prop.get("format") == "date":
        try:
            date.fromisoformat(text)
        except ValueError:
            raise ValueError("moet een datum zijn (JJJJ-MM-DD)") from None
    return text


def to_raw(answers: dict, prefix: str = "") -> dict:
    """Typed answers (a draft) as the strings a form shows, by dotted name."""
    raw = {}
    for key, value in (answers or {}).items():
        name = prefix + key
        if isinstance(value, dict):
            raw.update(to_raw(value, prefix=name + "."))
        elif isinstance(value, bool):
            raw[name] = YES if value else NO
        elif isinstance(value, list):
            raw[name] = [str(v) for v in value]
        elif value is not None:
            raw[name] = str(value)
    return raw


def from_post(form) -> dict:
    """The posted strings by name, to show again what was typed (lists for repeated names)."""
    return {k: (v if len(v) > 1 else v[0]) for k, v in form.lists()}
