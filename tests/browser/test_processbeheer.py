"""The process owner deploys a changed diagram through the modeler; new cases start on it, older ones keep theirs.

Runs against the session's live server: the change renames a script task that no other test reads
("Onderzoek starten"), so the route the other browser tests walk stays the same.
"""
import re

from playwright.sync_api import expect

from .conftest import ROOT, check_page, login

ONDERZOEK = "wmo_onderzoek.bpmn"
OLD_NAME, NEW_NAME = "Onderzoek starten", "Onderzoek beginnen"


def as_procesbeheerder(page):
    page.problems.allow(403)  # the procesbeheerder has no inbox: the login lands on that refusal
    login(page, "procesbeheerder")
    page.goto("/processen")
    expect(page.get_by_role("heading", level=1, name="Processen")).to_be_visible()


def current_version(page) -> int:
    row = page.locator("#gemeente-base tr.huidig")
    return int(row.get_attribute("data-versie"))


def rename_in_modeler(page, element_id: str, name: str) -> None:
    """Double-click the element, type its new name and finish the edit, as a user does."""
    page.locator(f'#modeler .djs-element[data-element-id="{element_id}"]').dblclick()
    editor = page.locator(".djs-direct-editing-parent")
    expect(editor).to_be_visible()
    page.keyboard.press("Control+A")
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    expect(editor).to_be_hidden()
    shown = page.evaluate("""id => document.getElementById("modeler").bpmnModeler
        .get("elementRegistry").get(id).businessObject.name""", element_id)
    assert shown == name


def test_the_process_owner_deploys_a_changed_diagram_and_running_cases_keep_their_version(new_page, live_server):
    older = live_server.new_case("O. Ouder")
    old_version = live_server.case(older)["process_version"]["id"]
    page = new_page()
    as_procesbeheerder(page)
    assert current_version(page) == old_version
    check_page(page, "processes overview")

    page.get_by_role("link", name=f"versie {old_version}", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=re.compile(rf"^Versie {old_version} van"))).to_be_visible()
    expect(page.locator("figure.pb-diagram.geladen")).to_be_visible()
    check_page(page, "version page")

    page.get_by_role("link", name=f"Bewerken {ONDERZOEK}").click()
    expect(page.get_by_role("heading", level=1, name=f"{ONDERZOEK} bewerken")).to_be_visible()
    expect(page.locator("#modeler.geladen")).to_be_visible()
    check_page(page, "modeler")
    rename_in_modeler(page, "onderzoek_starten", NEW_NAME)
    page.get_by_role("button", name="Opslaan en in gebruik nemen").click()

    expect(page.get_by_role("status")).to_contain_text("is in gebruik genomen: nieuwe zaken starten hierop")
    new_version = int(re.search(r"/versies/(\d+)", page.url).group(1))
    assert new_version > old_version
    expect(page.locator("#versie-stand")).to_contain_text("huidig")
    expect(page.locator("#versie-gegevens")).to_contain_text("door procesbeheerder")

    # What changed, side by side: the renamed task is marked in both diagrams and named in the list.
    page.get_by_role("link", name=f"Vergelijken met versie {old_version}").click()
    expect(page.locator("#diagram-van.geladen")).to_be_visible()
    expect(page.locator("#diagram-naar.geladen")).to_be_visible()
    change = page.locator('#wijzigingenlijst [data-element="onderzoek_starten"]')
    expect(change).to_contain_text(f"naam: ‘{OLD_NAME}’ → ‘{NEW_NAME}’")
    for side in ("van", "naar"):
        expect(page.locator(f'#diagram-{side} .djs-element.pb-gewijzigd[data-element-id="onderzoek_starten"]')).to_have_count(1)
    check_page(page, "compare page")

    # A new case starts on the new version; the older one stays on its own and still takes its next step.
    newer = live_server.new_case("N. Nieuwer")
    assert live_server.case(newer)["process_version"]["id"] == new_version
    [plannen] = [t for t in live_server.open_tasks(older) if t["name"] == "gesprek_plannen"]
    status, body = live_server.api("POST", f"/api/v1/tasks/{plannen['id']}/complete", "klantmanager", {
        "gesprek_nodig": True, "gesprek_datum": "2026-12-10", "gesprek_tijd": "10:00", "gesprek_vorm": "huisbezoek"})
    assert status == 200, body
    assert body["process_version"]["id"] == old_version
    assert body["status"] == "lopend" and body["history"][-1]["name"] == "gesprek_plannen"
    assert "gesprek_plannen" not in [t["name"] for t in live_server.open_tasks(older)]

    caseworker = new_page()
    login(caseworker, "klantmanager")
    caseworker.goto(f"/zaken/{older}")
    expect(caseworker.locator("#zaak-procesversie")).to_contain_text(f"versie {old_version} ")
    caseworker.goto(f"/zaken/{newer}")
    expect(caseworker.locator("#zaak-procesversie")).to_contain_text(f"versie {new_version} ")

    page.goto("/processen")
    expect(page.locator(f'tr[data-versie="{new_version}"] .stand')).to_contain_text("huidig")
    expect(page.locator(f'tr[data-versie="{old_version}"] .stand')).to_contain_text("eerder")


def test_an_invalid_upload_is_refused_with_its_reasons(page):
    as_procesbeheerder(page)
    before = current_version(page)
    page.get_by_role("link", name="Bestand uploaden voor Landelijke route (Wmo 2015)").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Bestand uploaden"))).to_be_visible()
    check_page(page, "upload form")
    xml = (ROOT / "processes" / "base" / ONDERZOEK).read_text(encoding="utf-8")
    unsafe = xml.replace("<bpmn:script>persoonlijk_plan_ontvangen_op = None",
                         "<bpmn:script>import os\npersoonlijk_plan_ontvangen_op = None", 1)
    no_form = unsafe.replace('<spiffworkflow:property name="formJsonSchemaFilename" value="gesprek_plannen.json" />', "", 1)
    page.problems.allow(422)
    page.get_by_label("Bestand (.bpmn of .dmn)").set_input_files(
        files=[{"name": ONDERZOEK, "mimeType": "application/xml", "buffer": no_form.encode("utf-8")}])
    page.get_by_role("button", name="Uploaden en in gebruik nemen").click()
    problems = page.get_by_role("alert")
    expect(problems).to_contain_text("Niet in gebruik genomen")
    expect(problems).to_contain_text("Er is niets opgeslagen")
    expect(problems.locator('tr[data-element="onderzoek_starten"]')).to_contain_text("import")
    expect(problems.locator('tr[data-element="gesprek_plannen"]')).to_contain_text("gebruikerstaak noemt geen formulier")
    check_page(page, "refused upload")

    page.get_by_label("Bestand (.bpmn of .dmn)").set_input_files(
        files=[{"name": ONDERZOEK, "mimeType": "application/xml", "buffer": xml[:1500].encode("utf-8")}])
    page.get_by_role("button", name="Uploaden en in gebruik nemen").click()
    expect(page.get_by_role("alert")).to_contain_text("geen geldige XML")

    page.goto("/processen")
    assert current_version(page) == before


def test_the_process_owner_sees_where_the_cases_stand(page, live_server):
    live_server.new_case("W. Wachter")  # at least one case waits at gesprek_plannen on the first version
    as_procesbeheerder(page)
    page.goto("/processen/base/versies/1")
    page.locator("#link-zaken").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Waar staan de zaken"))).to_be_visible()
    page.locator('nav.hm-processen a[data-proces="wmo_onderzoek"]').click()
    figure = page.locator("figure#heatmap")
    expect(figure).to_have_class(re.compile(r"\bgeladen\b"))
    plannen = page.locator('.djs-overlays[data-container-id="gesprek_plannen"] .hm-aantal')
    expect(plannen).to_have_count(1)
    assert int(re.search(r"\d+", plannen.inner_text()).group()) >= 1
    check_page(page, "waar staan de zaken")
