"""A diagram whose script task tries to break out, uploaded or saved from the modeler by the process owner.

What can be seen in the script is refused at deploy (422, the element named, nothing stored); what only
shows at run time (a loop that would not stop, a text that would fill the memory) fails its step with a clear error and leaves the case as it was.
"""
import html
import re

import pytest
from sqlalchemy import func, select

from app import processes
from app.db import db
from app.models import ProcessVersion

from ..api.test_routes import MELDING, call, open_task, snapshot
from ..processbeheer.conftest import ONDERZOEK, csrf, login, upload, users, version_1  # noqa: F401 (fixtures)

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the check, not the database, is under test

SCRIPT = '<bpmn:script>persoonlijk_plan_ontvangen_op = persoonlijk_plan_ontvangen["ontvangen_op"]</bpmn:script>'
ELEMENT = "plan_vastleggen"  # the script task that runs when the persoonlijk plan arrives


def with_script(xml: str, source: str) -> str:
    assert SCRIPT in xml
    return xml.replace(SCRIPT, f"<bpmn:script>{html.escape(source, quote=False)}\n"
                              'persoonlijk_plan_ontvangen_op = persoonlijk_plan_ontvangen["ontvangen_op"]</bpmn:script>', 1)


def versions() -> int:
    return db.session.scalar(select(func.count()).select_from(ProcessVersion))


def problems(page: str) -> list[tuple[str, str, str]]:
    rows = re.findall(r'<tr class="probleem" data-element="[^"]*"><td>(.*?)</td><td><code>(.*?)</code></td>'
                      r'<td class="reden">(.*?)</td></tr>', page, re.S)
    return [(file, element, html.unescape(reason)) for file, element, reason in rows]


def save_in_modeler(client, xml: str):
    url = f"/processen/base/bewerken/{ONDERZOEK}"
    return client.post(url, data={"csrf_token": csrf(client.get(url).data), "xml": xml})


@pytest.mark.parametrize("source,reason", [
    ("import os", "import is niet toegestaan"),
    ("from os import system", "importfrom is niet toegestaan"),
    ("tekst = open('/etc/passwd').read()", "open is niet toegestaan"),
    ("os = __import__('os')", "__import__"),
    ("basis = ().__class__.__bases__", "__class__"),
    ("klassen = [k for k in ().__class__.__mro__]", "__class__"),
    ("while True:\n    pass", "while-lus"),
    ("x = eval('1 + 1')", "eval is niet toegestaan"),
])
def test_a_script_that_tries_to_break_out_is_refused_at_deploy_naming_the_element(client, users, version_1, source, reason):
    login(client, "pb")
    assert_refused(upload(client, ONDERZOEK, with_script(version_1.files[ONDERZOEK], source)), reason)


@pytest.mark.parametrize("source,reason", [("import os", "import is niet toegestaan"), ("while 1:\n    x = 1", "while-lus")])
def test_the_modeler_refuses_the_same_scripts(client, users, version_1, source, reason):
    login(client, "pb")
    assert_refused(save_in_modeler(client, with_script(version_1.files[ONDERZOEK], source)), reason)


def assert_refused(response, reason):
    assert response.status_code == 422
    found = problems(response.data.decode())
    assert any(file == ONDERZOEK and element == ELEMENT and reason in why for file, element, why in found), found
    assert versions() == 1


@pytest.mark.parametrize("source,reason", [
    ("for i in range(10 ** 9):\n    pass", "range() van 1000000000 getallen"),
    ("paren = [(a, b) for a in range(1000) for b in range(1000)]", "meer dan 100000 stappen"),
    ("def f(n):\n    return f(n + 1)\nf(1)", "recursion"),
    ("tekst = 'x' * 10 ** 9", "meer dan 1000000 tekens"),
    ("tekst = ''.join(['x' * 10 ** 6] * 10 ** 6)", "meer dan 1000000 tekens"),
    ("tekst = f'{1:>{10 ** 9}}'", "meer dan 1000000 tekens"),
])
def test_a_script_that_would_not_finish_fails_its_step_cleanly_and_the_case_stays_as_it_was(
        client, users, settings, version_1, tokens, source, reason):
    login(client, "pb")
    assert upload(client, ONDERZOEK, with_script(version_1.files[ONDERZOEK], source)).status_code == 302  # runs fine until it runs
    assert processes.current(settings.gemeente_config()).id != version_1.id
    km = tokens["klantmanager"]
    status, body = call(client, "POST", "/api/v1/meldingen", km, {k: v for k, v in MELDING.items() if k != "ontvangen_op"})
    assert status == 201
    case_id = body["case_id"]
    before = snapshot(case_id)
    status, body = call(client, "POST", f"/api/v1/cases/{case_id}/events/persoonlijk_plan_ontvangen", km, {"plan": "Mijn plan"})
    assert status == 500 and body["fields"] == {}
    assert "persoonlijk_plan_ontvangen" in body["error"] and "mislukt in het procesmodel" in body["error"]
    assert reason in body["error"], body
    assert snapshot(case_id) == before
    assert open_task(client, tokens, case_id, "gesprek_plannen")  # the case goes on where it stood


@pytest.mark.parametrize("content,reason", [
    ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY geheim SYSTEM "file:///etc/passwd">]>'
     '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&geheim;</bpmn:definitions>',
     "een model mag geen DOCTYPE (met entiteiten) bevatten"),
    ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">' + "<a>" * 10_000 + "</a>" * 10_000
     + "</bpmn:definitions>", "geen geldige XML: Excessive depth"),
])
def test_a_diagram_file_that_reads_files_or_nests_endlessly_is_refused(client, users, version_1, content, reason):
    login(client, "pb")
    response = upload(client, ONDERZOEK, content)
    page = response.data.decode()
    assert response.status_code == 422 and "Niet in gebruik genomen" in page
    [(file, _, why)] = problems(page)
    assert file == ONDERZOEK and reason in why
    assert "root:" not in page and versions() == 1
