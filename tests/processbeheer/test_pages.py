"""The process owner's pages: versions per gemeente, a version's diagrams, compare, edit and deploy."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app import processes
from app.db import db
from app.demo import task, walk
from app.models import AccessLog, AuditEvent, Case, ProcessVersion, Task

from .conftest import ONDERZOEK, csrf, login, new_case, onderzoek, renamed, upload, with_note


def versions() -> int:
    return db.session.scalar(select(func.count()).select_from(ProcessVersion))


def row(page: str, version_id: int) -> str:
    return re.search(rf'<tr data-versie="{version_id}".*?</tr>', page, re.S).group(0)


def test_overview_lists_each_version_with_who_deployed_it_and_its_cases(client, users, settings, version_1):
    first, second = new_case(settings, 0), new_case(settings, 1)
    db.session.get(Case, second).status = "afgerond"
    version_2 = processes.deploy(settings.gemeente_config(), {
        **{n: t.encode() for n, t in version_1.files.items()}, ONDERZOEK: renamed(onderzoek(version_1)).encode()}, "pb")
    db.session.commit()
    third = new_case(settings, 2)
    assert db.session.get(Case, third).process_version_id == version_2.id != db.session.get(Case, first).process_version_id
    login(client, "pb")
    page = client.get("/processen").data.decode()
    assert "Landelijke route (Wmo 2015)" in page and "(base, in gebruik)" in page
    old, new = row(page, version_1.id), row(page, version_2.id)
    assert 'class="getal lopend"><span class="pb-label">Lopende zaken: </span>1<' in old
    assert 'class="getal totaal"><span class="pb-label">Zaken in totaal: </span>2<' in old
    assert "Lopende zaken: </span>1<" in new and "Zaken in totaal: </span>1<" in new
    assert "huidig: nieuwe zaken starten hierop" in new and "huidig" not in old.split("stand")[1]
    assert "<td>systeem</td>" in old and "<td>pb</td>" in new
    # Who deployed what, when: the versions themselves are the record.
    assert "eerste versie" in old and f"Gewijzigd: </span><code>{ONDERZOEK}</code></td>" in new
    assert version_1.hash[:10] in old
    # Deployed-at in Amsterdam time, e.g. 01-12-2026 15:04
    assert re.search(r"<time datetime=\"[^\"]+\">\d\d-\d\d-\d{4} \d\d:\d\d</time>", new)
    assert f'van={version_1.id}&amp;naar={version_2.id}' in new
    assert 'href="/processen">Processen</a>' in page


def test_a_version_lists_its_files_with_the_processes_and_decisions_inside(client, users, version_1):
    login(client, "pb")
    page = client.get(f"/processen/base/versies/{version_1.id}").data.decode()
    assert f"Versie {version_1.id} van Landelijke route (Wmo 2015)" in page
    assert "Onderzoek: gesprek en verslag (<code>wmo_onderzoek</code>)" in page
    assert "beslistabellen: " in page and "<code>eigen_bijdrage</code>" in page
    # The route's main diagram is shown by default, its XML served from the stored version.
    xml_url = f"/processen/base/versies/{version_1.id}/bestanden/wmo_route.bpmn"
    assert f'data-xml="{xml_url}"' in page
    response = client.get(xml_url)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.data.decode() == version_1.files["wmo_route.bpmn"]
    assert f'href="/processen/base/bewerken/{ONDERZOEK}"' in page  # the current version can be edited
    # A decision table is shown as a table of rules.
    page = client.get(f"/processen/base/versies/{version_1.id}?bestand=eigen_bijdrage.dmn").data.decode()
    assert 'data-beslissing="eigen_bijdrage"' in page and "Geen eigen bijdrage voor een rolstoel." in page
    assert client.get(f"/processen/base/versies/{version_1.id + 99}").status_code == 404
    assert client.get(f"/processen/base/versies/{version_1.id}/bestanden/geen.bpmn").status_code == 404
    assert client.get(f"/processen/elders/versies/{version_1.id}").status_code == 404


def test_compare_marks_a_renamed_task_and_an_added_element(client, users, settings, version_1):
    changed = with_note(renamed(onderzoek(version_1)))
    login(client, "pb")
    assert upload(client, ONDERZOEK, changed).status_code == 302
    version_2 = db.session.scalar(select(ProcessVersion).order_by(ProcessVersion.id.desc()))
    page = client.get(f"/processen/base/vergelijk?van={version_1.id}&naar={version_2.id}&bestand={ONDERZOEK}").data.decode()
    assert f"Versie {version_1.id} en versie {version_2.id} vergelijken" in page
    renamed_item = re.search(r'<li class="pb-wijziging pb-gewijzigd" data-element="gesprek_plannen".*?</li>', page, re.S)
    assert renamed_item and "naam: ‘Gesprek plannen’ → ‘Gesprek inplannen’" in renamed_item.group(0)
    assert 'data-element="notitie_planning" data-wijziging="toegevoegd"' in page
    assert page.count('class="pb-wijziging ') == 2  # nothing else is reported
    # Both diagrams come from their own version.
    assert f'/versies/{version_1.id}/bestanden/{ONDERZOEK}' in page and f'/versies/{version_2.id}/bestanden/{ONDERZOEK}' in page
    # Without a file the first changed one is chosen; the unchanged files say so.
    page = client.get(f"/processen/base/vergelijk?van={version_1.id}&naar={version_2.id}").data.decode()
    assert f'aria-current="true">{ONDERZOEK}</a>' in page
    page = client.get(f"/processen/base/vergelijk?van={version_1.id}&naar={version_2.id}&bestand=wmo_melding.bpmn").data.decode()
    assert 'id="geen-wijzigingen"' in page
    page = client.get(f"/processen/base/vergelijk?van={version_1.id}&naar={version_2.id}&bestand=eigen_bijdrage.dmn").data.decode()
    assert 'id="geen-wijzigingen"' in page and 'id="diagrammen"' not in page  # a DMN file: the list only


def test_a_valid_upload_becomes_the_version_new_cases_start_on_and_running_cases_keep_theirs(client, users, settings, version_1):
    older = new_case(settings, 0)
    login(client, "pb")
    response = upload(client, ONDERZOEK, renamed(onderzoek(version_1)))
    assert response.status_code == 302
    version_2 = db.session.scalar(select(ProcessVersion).order_by(ProcessVersion.id.desc()))
    assert version_2.id != version_1.id and version_2.deployed_by == "pb"
    assert response.headers["Location"].startswith(f"/processen/base/versies/{version_2.id}")
    page = client.get(response.headers["Location"]).data.decode()
    assert f"Versie {version_2.id} is in gebruik genomen" in page
    assert f"ten opzichte van versie {version_1.id}: <code>{ONDERZOEK}</code>" in page
    assert processes.current(settings.gemeente_config()).id == version_2.id
    newer = new_case(settings, 1)
    assert db.session.get(Case, newer).process_version_id == version_2.id
    assert db.session.get(Case, older).process_version_id == version_1.id

    def titles(case_id):
        return {t.name: t.title for t in db.session.scalars(select(Task).where(Task.case_id == case_id))}

    assert titles(newer)["gesprek_plannen"] == "Gesprek inplannen"
    assert titles(older)["gesprek_plannen"] == "Gesprek plannen"
    # The older case still runs its own version: its next task completes on it.
    walk(settings, older, [task("gesprek_plannen")], date(2026, 11, 3))
    db.session.expire_all()
    assert db.session.get(Case, older).process_version_id == version_1.id
    step = db.session.scalar(select(AuditEvent).where(AuditEvent.case_id == older, AuditEvent.name == "gesprek_plannen"))
    assert step.process_hash == version_1.hash
    assert db.session.scalar(select(Task).where(Task.case_id == older, Task.name == "gesprek_plannen")).closed_at
    # The same content again is no new version.
    assert upload(client, ONDERZOEK, renamed(onderzoek(version_1))).status_code == 302
    assert versions() == 2


def test_a_new_file_is_added_to_the_set(client, users, version_1):
    login(client, "pb")
    extra = version_1.files["eigen_bijdrage.dmn"].replace('id="eigen_bijdrage"', 'id="eigen_bijdrage_proef"')
    assert upload(client, "eigen_bijdrage_proef.dmn", extra).status_code == 302
    newest = db.session.scalar(select(ProcessVersion).order_by(ProcessVersion.id.desc()))
    assert set(newest.files) == set(version_1.files) | {"eigen_bijdrage_proef.dmn"}


def without_form(xml: str) -> str:
    return xml.replace('<spiffworkflow:property name="formJsonSchemaFilename" value="gesprek_plannen.json" />', "", 1)


def importing_os(xml: str) -> str:
    return xml.replace("<bpmn:script>persoonlijk_plan_ontvangen_op = None", "<bpmn:script>import os\npersoonlijk_plan_ontvangen_op = None", 1)


@pytest.mark.parametrize("name, change, reasons", [
    (ONDERZOEK, without_form, ["gesprek_plannen", "gebruikerstaak noemt geen formulier"]),
    (ONDERZOEK, importing_os, ["onderzoek_starten", "expressie geweigerd", "import"]),
    (ONDERZOEK, lambda xml: xml[:2000], ["geen geldige XML"]),
    # The checks of `wmo processes check` beyond parsing: timer expressions on a sample case, and bpmnlint.
    (ONDERZOEK, lambda xml: xml.replace('termijn_verlopen("persoonlijk_plan", onderzoek_vanaf)', '"morgen"'),
     ["plan_termijn_verstreken", "geeft geen geldig timeDate"]),
    (ONDERZOEK, lambda xml: xml.replace("</bpmn:process>", '<bpmn:task id="los_taak" name="Los" /></bpmn:process>', 1),
     ["los_taak", "bpmnlint no-disconnected"]),
    ("notities.txt", lambda xml: xml, ["alleen een .bpmn- of .dmn-bestand"]),
    ("wmo_melding.bpmn", lambda xml: '<?xml version="1.0"?><html></html>', ["geen BPMN- of DMN-model"]),
    ("leeg.dmn", lambda xml: "", ["het bestand is leeg"]),
])
def test_an_invalid_upload_is_refused_with_its_reasons_and_stores_nothing(client, users, version_1, name, change, reasons):
    login(client, "pb")
    response = upload(client, name, change(onderzoek(version_1)))
    assert response.status_code == 422
    page = response.data.decode()
    assert "Niet in gebruik genomen" in page and "Er is niets opgeslagen" in page
    problems = re.search(r'<div class="melding fout pb-problemen" role="alert".*?</div>', page, re.S).group(0)
    for reason in reasons:
        assert reason in problems
    assert versions() == 1


def test_the_modeler_saves_through_a_form_with_the_csrf_token(client, users, settings, version_1):
    login(client, "pb")
    page = client.get(f"/processen/base/bewerken/{ONDERZOEK}").data.decode()
    assert "bpmn-modeler.production.min.js" in page and "/static/modeler.js" in page and "<script>" not in page
    assert "Opslaan en in gebruik nemen" in page
    assert 'id="model-xml" name="xml"' in page and "Gesprek plannen" in page
    token = csrf(page.encode())
    url = f"/processen/base/bewerken/{ONDERZOEK}"
    # Without the token nothing is stored.
    assert client.post(url, data={"xml": renamed(onderzoek(version_1))}).status_code == 400
    # An invalid diagram comes back into the modeler with the problems; nothing is stored.
    response = client.post(url, data={"csrf_token": token, "xml": without_form(onderzoek(version_1))})
    assert response.status_code == 422 and "gebruikerstaak noemt geen formulier" in response.data.decode()
    assert "formJsonSchemaFilename" in response.data.decode() and versions() == 1
    assert "gesprek_plannen.json" not in re.search(r'<textarea id="model-xml".*?</textarea>', response.data.decode(), re.S).group(0)
    response = client.post(url, data={"csrf_token": token, "xml": renamed(onderzoek(version_1))})
    assert response.status_code == 302 and versions() == 2
    assert processes.current(settings.gemeente_config()).files[ONDERZOEK] == renamed(onderzoek(version_1))
    assert client.get("/processen/base/bewerken/eigen_bijdrage.dmn").status_code == 404  # DMN only by upload


def test_each_deployment_is_logged_with_who_and_what(client, users, version_1, caplog):
    login(client, "pb")
    with caplog.at_level("INFO", logger="wmo.processbeheer"):
        upload(client, ONDERZOEK, renamed(onderzoek(version_1)))
    assert any("pb deployed version" in r.getMessage() and ONDERZOEK in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("user", ["km", "bes", "tl"])
def test_only_a_procesbeheerder_may_use_the_workbench(client, users, version_1, user):
    login(client, user)
    paths = ["/processen", f"/processen/base/versies/{version_1.id}",
             f"/processen/base/versies/{version_1.id}/bestanden/{ONDERZOEK}",
             f"/processen/base/vergelijk?van={version_1.id}&naar={version_1.id}",
             f"/processen/base/bewerken/{ONDERZOEK}", "/processen/base/uploaden"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Dit mag u niet doen" in response.data.decode() or "uw rol mag niet" in response.data.decode()
    token = csrf(client.get("/werkvoorraad").data)
    response = client.post(f"/processen/base/bewerken/{ONDERZOEK}", data={"csrf_token": token, "xml": renamed(onderzoek(version_1))})
    assert response.status_code == 403 and versions() == 1
    refused = db.session.scalars(select(AccessLog).where(AccessLog.actor == user, AccessLog.kind == "geweigerd")).all()
    assert len(refused) == len(paths) + 1
    assert 'href="/processen"' not in client.get("/werkvoorraad").data.decode()


def test_the_workbench_asks_to_log_in_first(client, version_1):
    response = client.get("/processen")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_other_gemeenten_are_listed_once_they_have_a_version(client, users, settings, version_1):
    login(client, "pb")
    configured = [n for n in settings.raw.get("gemeenten", {}) if n != settings.gemeente]
    if not configured:
        pytest.skip("config.toml configures no other gemeente")
    other = configured[0]
    titel = settings.raw["gemeenten"][other].get("naam", other)
    assert f'id="gemeente-{other}"' not in client.get("/processen").data.decode()
    version = processes.deploy_from_disk(settings.gemeente_config(other))
    db.session.commit()
    page = client.get("/processen").data.decode()
    assert f'id="gemeente-{other}"' in page and titel in page
    assert page.index('id="gemeente-base"') < page.index(f'id="gemeente-{other}"')  # the gemeente in use first
    assert f"/processen/{other}/versies/{version.id}" in page
    assert client.get(f"/processen/{other}/versies/{version.id}").status_code == 200
    assert client.get(f"/processen/base/versies/{version.id}").status_code == 404  # another gemeente's version


def test_an_upload_over_the_size_limit_is_refused(client, users, version_1):
    login(client, "pb")
    response = upload(client, ONDERZOEK, b"<a>" + b" " * (1024 * 1024) + b"</a>")
    assert response.status_code == 413 and "te groot" in response.data.decode()
    assert versions() == 1


def test_a_save_started_before_another_deploy_is_refused_not_silently_merged(client, users, settings, version_1):
    login(client, "pb")
    page = client.get(f"/processen/base/bewerken/{ONDERZOEK}").data.decode()
    assert f'name="basis" value="{version_1.id}"' in page
    token = csrf(page.encode())
    # Meanwhile someone deploys a change to another file.
    melding = version_1.files["wmo_melding.bpmn"].replace('name="Melding registreren"', 'name="Melding vastleggen"')
    assert upload(client, "wmo_melding.bpmn", melding).status_code == 302
    assert versions() == 2
    version_2 = processes.current(settings.gemeente_config()).id
    response = client.post(f"/processen/base/bewerken/{ONDERZOEK}",
                           data={"csrf_token": token, "basis": version_1.id, "xml": renamed(onderzoek(version_1))})
    assert response.status_code == 409 and versions() == 2
    page = response.data.decode()
    assert "sinds u begon is versie" in page and "Gesprek inplannen" in page  # the edits stay in the editor
    assert f'name="basis" value="{version_2}"' in page
    # Saved again from the newer version, both changes are in.
    response = client.post(f"/processen/base/bewerken/{ONDERZOEK}",
                           data={"csrf_token": token, "basis": version_2, "xml": renamed(onderzoek(version_1))})
    assert response.status_code == 302 and versions() == 3
    newest = processes.current(settings.gemeente_config())
    assert "Melding vastleggen" in newest.files["wmo_melding.bpmn"] and "Gesprek inplannen" in newest.files[ONDERZOEK]
