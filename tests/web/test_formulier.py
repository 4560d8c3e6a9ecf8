"""Every form in forms/ renders with a label per control, and what it renders parses back to the same answers."""
import json
import re
from pathlib import Path

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from app.demo import MELDING, example_answers
from app.web import formulier

FORMS = sorted((Path(__file__).resolve().parents[2] / "forms" / "base").rglob("*.json"))
MACRO = '{% import "web/_formulier.html" as f %}{{ f.velden(velden) }}'


def schema_of(path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.stem)
def test_every_form_renders_with_a_label_per_control(sqlite_app, path):
    schema = schema_of(path)
    html = render_template_string(MACRO, velden=formulier.fields(schema, {}))
    for item in formulier.walk(formulier.fields(schema, {})):
        if item.kind in ("group", "boolean", "checkboxes"):
            assert re.search(rf'<fieldset[^>]*id="{item.id}"[^>]*>\s*<legend>{re.escape(item.label)}', html), item.name
            for option in item.options:
                assert f'<label for="{item.id}-{option.value}">' in html
        else:
            assert f'<label for="{item.id}">' in html and f'id="{item.id}" name="{item.name}"' in html, item.name
        if item.help:
            assert f'id="{item.help_id}"' in html
    assert html.count("<fieldset") == html.count("</fieldset>")


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.stem)
def test_what_a_form_shows_parses_back_to_the_same_answers(path):
    schema = schema_of(path)
    overrides = {"bsn": "999990019", "adres": MELDING["adres"]} if path.stem == "melding" else {}
    answers = example_answers(schema, overrides, "2026-11-02")
    answers = {k: v for k, v in answers.items() if v not in (None, [], {})}
    raw = formulier.to_raw(answers)
    form = MultiDict([(k, v) for k, values in raw.items() for v in (values if isinstance(values, list) else [values])])
    parsed, errors = formulier.parse(schema, form)
    assert errors == {} and parsed == answers


def test_parse_types_and_leaves_out_empty_fields():
    schema = {"properties": {
        "n": {"type": "integer"}, "x": {"type": "number"}, "b": {"type": "boolean"}, "s": {"type": "string", "maxLength": 3},
        "adres": {"type": "object", "required": ["postcode"], "properties": {"postcode": {"type": "string"}}},
        "opt": {"type": ["object", "null"], "properties": {"naam": {"type": "string"}}},
    }, "required": ["adres"]}
    parsed, errors = formulier.parse(schema, MultiDict({"n": "3", "x": "12,50", "b": "nee", "s": " ", "opt.naam": ""}))
    assert parsed == {"n": 3, "x": 12.5, "b": False, "adres": {}} and errors == {}
    parsed, errors = formulier.parse(schema, MultiDict({"n": "3.5", "x": "nan", "b": "1", "s": "vier", "adres.postcode": "1234"}))
    assert parsed == {"adres": {"postcode": "1234"}}
    assert errors == {"n": "moet een geheel getal zijn", "x": "moet een getal zijn", "b": "moet ja of nee zijn",
                      "s": "is te lang (hoogstens 3 tekens)"}


def test_a_list_of_choices_is_a_group_of_checkboxes():
    schema = {"properties": {"dagen": {"type": "array", "title": "Dagen", "items": {"enum": ["ma", "di"]}},
                             "namen": {"type": "array", "title": "Namen", "items": {"type": "string"}}}}
    dagen, namen = formulier.fields(schema, {"dagen": "di", "namen": ["An", "Bo"]})
    assert dagen.kind == "checkboxes" and [(o.value, o.selected) for o in dagen.options] == [("ma", False), ("di", True)]
    assert namen.kind == "textarea" and namen.value == "An\nBo" and "Eén per regel." in namen.help
    parsed, errors = formulier.parse(schema, MultiDict([("dagen", "ma"), ("dagen", "di"), ("namen", "An\n\nBo ")]))
    assert parsed == {"dagen": ["ma", "di"], "namen": ["An", "Bo"]} and errors == {}
    assert formulier.parse(schema, MultiDict({"dagen": "zo"}))[1] == {"dagen": "moet een van de mogelijkheden zijn"}
