"""The forms: valid JSON Schema 2020-12, Dutch titles, and the fixed fields behave as the engine expects."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

FORMS = Path(__file__).resolve().parents[2] / "forms" / "base"
ALL_FORMS = sorted(FORMS.rglob("*.json"))
TASK_FORMS = sorted(FORMS.glob("*.json"))
# Fields more than one task form may set on purpose: a later step confirms or changes what an earlier one recorded.
SHARED_FIELDS = {"leveringsvorm", "soort_hulp"}
APP_FORMS = {"melding"}  # the melding form belongs to the app (POST /meldingen), not to a user task


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _validator(name):
    return Draft202012Validator(_load(FORMS / f"{name}.json"), format_checker=FormatChecker())


def _valid(name, answers):
    return not list(_validator(name).iter_errors(answers))


@pytest.mark.parametrize("path", ALL_FORMS, ids=lambda p: str(p.relative_to(FORMS)))
def test_form_is_a_2020_12_object_schema_with_dutch_titles(path):
    schema = _load(path)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert schema["title"].strip() and "_" not in schema["title"]
    assert set(schema.get("required", [])) <= set(schema["properties"])
    for name, prop in schema["properties"].items():
        assert name.isidentifier(), name
        title = prop.get("title", "")
        assert title.strip() and "_" not in title and not title[0].islower(), f"{path.name}: {name} needs a Dutch title"
        if "enum" in prop and "x-enum-titles" in prop:
            assert len(prop["enum"]) == len(prop["x-enum-titles"]), name
        if prop.get("x-default-now"):
            assert prop == {**prop, "type": "string", "format": "date"}, name
        if prop.get("format") == "date":
            assert prop["type"] == "string", name


def test_every_user_task_form_has_its_own_field_names():
    owners = {}
    for path in TASK_FORMS:
        if path.stem in APP_FORMS:
            continue
        for name in _load(path)["properties"]:
            owners.setdefault(name, []).append(path.stem)
    shared = {name: forms for name, forms in owners.items() if len(forms) > 1}
    assert set(shared) <= SHARED_FIELDS, shared


def test_dates_that_start_a_legal_term_default_to_today():
    for form, field in [("besluit_nemen", "beschikking_verzonden_op"), ("verslag_ondertekenen", "ondertekend_ontvangen_op"),
                        ("gesprek_voeren", "gesprek_gevoerd_op"), ("gesprek_plannen", "gepland_op"),
                        ("verslag_opstellen", "verslag_opgesteld_op")]:
        prop = _load(FORMS / f"{form}.json")["properties"][field]
        assert prop["format"] == "date" and prop["x-default-now"] is True, (form, field)
    for event in sorted((FORMS / "events").glob("*.json")):
        prop = _load(event)["properties"]["ontvangen_op"]
        assert prop["format"] == "date" and prop["x-default-now"] is True, event.name
        assert "ontvangen_op" in _load(event)["required"]


def test_fixed_fields_have_fixed_types():
    p = lambda form: _load(FORMS / f"{form}.json")["properties"]  # noqa: E731
    assert p("gesprek_plannen")["gesprek_nodig"]["type"] == "boolean"
    assert p("gesprek_voeren")["leveringsvorm"]["enum"] == ["zin", "pgb", "geld"]
    assert p("verslag_ondertekenen")["akkoord"]["type"] == "boolean"
    assert p("pgb_vaardigheid_toetsen")["pgb_vaardig"]["type"] == "boolean"
    assert p("besluit_nemen")["besluit"]["enum"] == ["toekennen", "afwijzen"]
    assert p("besluit_nemen")["leveringsvorm"]["enum"] == ["zin", "pgb", "geld"]
    for field in ("ingangsdatum", "einddatum"):
        assert p("besluit_nemen")[field] == {**p("besluit_nemen")[field], "type": "string", "format": "date"}


# ---------------------------------------------------------------- examples
PLANNEN = {"gesprek_nodig": True, "gepland_op": "2026-01-06", "gesprek_datum": "2026-01-12", "gesprek_vorm": "huisbezoek"}
ZONDER_GESPREK = {"gesprek_nodig": False, "gepland_op": "2026-01-06", "instemming_zonder_gesprek": True,
                  "reden_zonder_gesprek": "Situatie is bekend", "gekozen_leveringsvorm": "zin",
                  "gevraagde_soort_hulp": "huishoudelijke_hulp"}
GESPREK = {"gesprek_gevoerd_op": "2026-01-12", "identiteit_vastgesteld": "id_bewijs", "behoefte": "Hulp in huis",
           "gewenst_effect": "Schoon huis", "pgb_uitleg_gegeven": True, "eigen_bijdrage_besproken": True,
           "leveringsvorm": "zin", "soort_hulp": "huishoudelijke_hulp"}
ONDERTEKEND = {"akkoord": True, "hulp_aanvragen": True, "ondertekend_ontvangen_op": "2026-01-15"}
VAARDIG = {"pgb_vaardig": True, "pgb_taken_beheersbaar": True, "pgb_motivatie_voldoende": True,
           "pgb_kwaliteit_gewaarborgd": True, "vervolggesprek_gevoerd_op": "2026-01-16"}
TOEKENNEN = {"besluit": "toekennen", "leveringsvorm": "zin", "soort_hulp": "huishoudelijke_hulp", "voorziening": "Hulp",
             "omvang": "3 uur per week", "beoogd_resultaat": "Schoon huis", "ingangsdatum": "2026-02-01",
             "einddatum": "2026-12-31", "motivering": "Voldoet", "beschikking_verzonden_op": "2026-01-20"}
AFWIJZEN = {"besluit": "afwijzen", "motivering": "Eigen kracht", "afwijzingsgrond": "Eigen kracht is genoeg",
            "rechtsgrond": "artikel 2.3.5 lid 3 Wmo 2015", "beschikking_verzonden_op": "2026-01-20"}


def without(d, *keys):
    return {k: v for k, v in d.items() if k not in keys}


@pytest.mark.parametrize("form,answers,ok", [
    ("gesprek_plannen", PLANNEN, True),
    ("gesprek_plannen", {**PLANNEN, "gesprek_nodig": "ja"}, False),
    ("gesprek_plannen", without(PLANNEN, "gesprek_datum"), False),
    ("gesprek_plannen", ZONDER_GESPREK, True),
    ("gesprek_plannen", {**ZONDER_GESPREK, "instemming_zonder_gesprek": False}, False),
    ("gesprek_plannen", without(ZONDER_GESPREK, "reden_zonder_gesprek"), False),
    ("gesprek_plannen", without(ZONDER_GESPREK, "gekozen_leveringsvorm"), False),
    ("gesprek_plannen", {**PLANNEN, "onbekend": 1}, False),
    ("gesprek_voeren", GESPREK, True),
    ("gesprek_voeren", {**GESPREK, "leveringsvorm": "natura"}, False),
    ("gesprek_voeren", {**GESPREK, "leveringsvorm": "pgb"}, False),
    ("gesprek_voeren", {**GESPREK, "leveringsvorm": "pgb", "pgb_motivatie": "Eigen netwerk"}, True),
    ("gesprek_voeren", {**GESPREK, "identiteit_vastgesteld": "niet"}, False),
    ("gesprek_voeren", {**GESPREK, "gesprek_gevoerd_op": "12-01-2026"}, False),
    ("verslag_ondertekenen", ONDERTEKEND, True),
    ("verslag_ondertekenen", {**ONDERTEKEND, "akkoord": False}, False),
    ("verslag_ondertekenen", {**ONDERTEKEND, "akkoord": False, "opmerkingen": ""}, False),
    ("verslag_ondertekenen", {**ONDERTEKEND, "akkoord": False, "opmerkingen": "Meer uren nodig"}, True),
    ("verslag_ondertekenen", {**ONDERTEKEND, "akkoord": "nee"}, False),
    ("pgb_vaardigheid_toetsen", VAARDIG, True),
    ("pgb_vaardigheid_toetsen", {**VAARDIG, "pgb_vaardig": "ja"}, False),
    ("pgb_vaardigheid_toetsen", {**VAARDIG, "pgb_taken_beheersbaar": False}, False),
    ("pgb_vaardigheid_toetsen", {**VAARDIG, "pgb_vaardig": False, "pgb_taken_beheersbaar": False}, False),
    ("pgb_vaardigheid_toetsen", {**VAARDIG, "pgb_vaardig": False, "pgb_taken_beheersbaar": False,
                                 "pgb_toelichting": "Kan het niet beheren"}, True),
    ("besluit_nemen", TOEKENNEN, True),
    ("besluit_nemen", without(TOEKENNEN, "einddatum"), False),
    ("besluit_nemen", without(TOEKENNEN, "ingangsdatum"), False),
    ("besluit_nemen", {**TOEKENNEN, "einddatum": "31-12-2026"}, False),
    ("besluit_nemen", {**TOEKENNEN, "besluit": "misschien"}, False),
    ("besluit_nemen", {**TOEKENNEN, "leveringsvorm": "pgb"}, False),
    ("besluit_nemen", {**TOEKENNEN, "leveringsvorm": "pgb", "pgb_budget": 5000, "pgb_berekening": "3 uur x tarief"}, True),
    ("besluit_nemen", AFWIJZEN, True),
    ("besluit_nemen", without(AFWIJZEN, "rechtsgrond"), False),
    ("wijziging_beoordelen", {"wijziging_soort": "leveringsvorm_wijzigen", "wijziging_beoordeeld_op": "2026-03-01"}, False),
    ("wijziging_beoordelen", {"wijziging_soort": "leveringsvorm_wijzigen", "nieuwe_leveringsvorm": "pgb",
                              "wijziging_beoordeeld_op": "2026-03-01"}, True),
    ("beeindiging_verwerken", {"beeindiging_reden": "overlijden", "beeindigd_op": "2026-03-01"}, True),
    ("beeindiging_verwerken", {"beeindiging_reden": "anders", "beeindigd_op": "2026-03-01"}, False),
    ("events/wijziging_aangevraagd", {"ontvangen_op": "2026-03-01", "soort": "leveringsvorm_wijzigen"}, False),
    ("events/wijziging_aangevraagd", {"ontvangen_op": "2026-03-01", "soort": "opzeggen"}, True),
    ("events/bezwaar_ingediend", {"ontvangen_op": "2026-03-01", "gronden": "Onjuist"}, True),
    ("events/bezwaar_ingediend", {"ontvangen_op": "2026-03-01"}, False),
])
def test_example_answers(form, answers, ok):
    assert _valid(form, answers) is ok
