"""What changed between two versions of a file: by element id, in words, layout apart from meaning."""
from pathlib import Path

from app.processbeheer import diff

ROOT = Path(__file__).resolve().parents[2]
ONDERZOEK = (ROOT / "processes" / "base" / "wmo_onderzoek.bpmn").read_text(encoding="utf-8")
EIGEN_BIJDRAGE = (ROOT / "processes" / "base" / "eigen_bijdrage.dmn").read_text(encoding="utf-8")


def changes(old, new):
    return {c.id: (c.kind, c.details) for c in diff.compare(old, new)}


def test_the_same_file_has_no_changes():
    assert diff.compare(ONDERZOEK, ONDERZOEK) == []


def test_a_renamed_task_is_changed_and_nothing_else():
    found = changes(ONDERZOEK, ONDERZOEK.replace('name="Gesprek plannen"', 'name="Gesprek inplannen"'))
    assert found == {"gesprek_plannen": ("gewijzigd", ["naam: ‘Gesprek plannen’ → ‘Gesprek inplannen’"])}


def test_a_condition_and_a_timer_expression_are_changes_of_their_flow_and_event():
    changed = ONDERZOEK.replace("<bpmn:conditionExpression>gesprek_nodig<", "<bpmn:conditionExpression>gesprek_nodig is True<")
    changed = changed.replace('termijn_verlopen("persoonlijk_plan", onderzoek_vanaf)', 'termijn_verlopen("onderzoek", onderzoek_vanaf)')
    found = diff.compare(ONDERZOEK, changed)
    assert [c.kind for c in found] == ["gewijzigd", "gewijzigd"]
    flow = next(c for c in found if c.type == "sequenceFlow")
    assert flow.details == ["voorwaarde: ‘gesprek_nodig’ → ‘gesprek_nodig is True’"]
    timer = next(c for c in found if c.type != "sequenceFlow")
    assert timer.details[0].startswith("timer (tijdstip): ‘termijn_verlopen(\"persoonlijk_plan\"")


def test_a_removed_element_and_a_moved_shape():
    note = ('<bpmn:textAnnotation id="notitie"><bpmn:text>Let op</bpmn:text></bpmn:textAnnotation></bpmn:process>')
    with_note = ONDERZOEK.replace("</bpmn:process>", note, 1)
    assert changes(with_note, ONDERZOEK) == {"notitie": ("verwijderd", [])}
    assert changes(ONDERZOEK, with_note)["notitie"][0] == "toegevoegd"
    moved = ONDERZOEK.replace('<dc:Bounds x="710" y="255" width="100" height="80" />',
                              '<dc:Bounds x="720" y="255" width="100" height="80" />', 1)
    assert changes(ONDERZOEK, moved) == {"gesprek_plannen": ("verplaatst", ["de plaats of de lijn in het diagram is veranderd"])}


def test_an_extension_property_such_as_the_form_is_a_change():
    changed = ONDERZOEK.replace('value="gesprek_plannen.json"', 'value="gesprek_inplannen.json"', 1)
    [(kind, details)] = changes(ONDERZOEK, changed).values()
    assert kind == "gewijzigd"
    assert details == ["eigenschap formJsonSchemaFilename: ‘value=gesprek_plannen.json’ → ‘value=gesprek_inplannen.json’"]


def test_a_changed_dmn_rule_names_the_cell():
    changed = EIGEN_BIJDRAGE.replace("ten hoogste 19,00 euro", "ten hoogste 19,50 euro")
    found = diff.compare(EIGEN_BIJDRAGE, changed)
    rule = next(c for c in found if c.type == "rule")
    assert rule.type_label == "regel" and rule.name.startswith("regel ")
    assert rule.details == ["uitvoercel: ‘\"Abonnementstarief: ten hoogste 19,00 euro per maand per huishouden.\"’ → "
                            "‘\"Abonnementstarief: ten hoogste 19,50 euro per maand per huishouden.\"’"]


def test_contents_and_decision_tables():
    assert diff.contents("wmo_onderzoek.bpmn", ONDERZOEK) == {
        "soort": "processen", "items": [{"id": "wmo_onderzoek", "name": "Onderzoek: gesprek en verslag"}]}
    [table] = diff.decision_tables(EIGEN_BIJDRAGE)
    assert table["id"] == "eigen_bijdrage" and table["hit_policy"] == "FIRST"
    assert table["inputs"][0] == {"label": "Jaar van ingang", "expressie": "jaar(ingangsdatum)"}
    assert all(len(r["invoer"]) == len(table["inputs"]) for r in table["rules"])


def test_a_default_value_left_out_is_no_change():
    # bpmn-js drops cancelActivity="true" when it saves: the boundary event still interrupts.
    assert 'cancelActivity="true"' in ONDERZOEK
    assert diff.compare(ONDERZOEK, ONDERZOEK.replace(' cancelActivity="true"', "")) == []
    assert changes(ONDERZOEK, ONDERZOEK.replace('cancelActivity="true"', 'cancelActivity="false"', 1)) == {
        "plan_tijdens_plannen": ("gewijzigd", ["cancelActivity: ‘true’ → ‘false’"])}
