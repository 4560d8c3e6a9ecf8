"""HTML and script typed into every text field of a melding and of task forms: stored as typed, always shown as text.

The dossier, the inbox, the task page, the resident's page, every letter's HTML and the text of its PDF show
the markup as characters; no page carries it as a tag.
"""
import io
import re
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from app.db import db
from app.demo import DEFAULTS, example_answers
from app.models import Case, Document

from ..api.test_routes import MELDING, call, open_task
from ..pages import logged_in
from ..web.conftest import staff  # noqa: F401 (fixture)

SCRIPT = "<script>x()</script>"  # fits every text field of the melding, huisnummer (20) included
ESCAPED = "&lt;script&gt;x()&lt;/script&gt;"
OWN_SCRIPT = re.compile(r'<script src="/(static|vendor)/[^"<>]+">')


def markup_answers(client, token, task) -> dict:
    """Plausible answers to the task's form with every free-text field (no choice, date or pattern) set to SCRIPT."""
    status, detail = call(client, "GET", f"/api/v1/tasks/{task['id']}", token)
    form = detail["form"]
    answers = example_answers(form, DEFAULTS.get(task["name"], {}), date.today().isoformat())
    for name, prop in form["properties"].items():
        if prop.get("type") == "string" and not {"enum", "format", "pattern"} & set(prop) and prop.get("maxLength", 0) >= len(SCRIPT):
            answers[name] = SCRIPT
    return answers


def test_markup_in_every_text_field_is_stored_as_text_and_always_shown_escaped(app, client, tokens, staff):
    km = tokens["klantmanager"]
    melding = {**{k: v for k, v in MELDING.items() if k != "ontvangen_op"}, "naam": SCRIPT, "hulpvraag": f"{SCRIPT} & <img src=x onerror=x()>",
               "adres": {"straat": SCRIPT, "huisnummer": SCRIPT, "postcode": "1234 AB", "woonplaats": SCRIPT},
               "ingediend_door": "vertegenwoordiger",
               "vertegenwoordiger": {"naam": SCRIPT, "relatie": SCRIPT, "telefoon": SCRIPT}}
    status, body = call(client, "POST", "/api/v1/meldingen", km, melding)
    assert status == 201, body
    case_id = body["case_id"]
    task = open_task(client, tokens, case_id, "gesprek_plannen")
    status, body = call(client, "POST", f"/api/v1/tasks/{task['id']}/complete", km, {
        "gesprek_nodig": True, "gesprek_datum": "2099-11-20", "gesprek_tijd": "10:00", "gesprek_vorm": "telefonisch",
        "mee_te_nemen": SCRIPT})
    assert status == 200, body
    status, body = call(client, "POST", f"/api/v1/cases/{case_id}/events/persoonlijk_plan_ontvangen", km, {"plan": SCRIPT})
    assert status == 200, body

    for name in ("gesprek_voeren", "verslag_opstellen"):  # every free-text field of these forms
        task = open_task(client, tokens, case_id, name)
        status, body = call(client, "POST", f"/api/v1/tasks/{task['id']}/complete", km, markup_answers(client, km, task))
        assert status == 200, (name, body)

    case = db.session.get(Case, case_id)
    assert case.naam == SCRIPT and case.adres["straat"] == SCRIPT and case.data["mee_te_nemen"] == SCRIPT  # as typed
    assert case.data["samenvatting"] == SCRIPT and case.data["behoefte"] == SCRIPT

    logged_in(client, "km")
    next_task = open_task(client, tokens, case_id, "verslag_ondertekenen")
    resident = re.search(r'value="http://[^"]+(/inwoner/[^"]+)"', client.get(f"/zaken/{case_id}/inwonerlink").data.decode()).group(1)
    pages = {url: client.get(url) for url in ("/werkvoorraad", f"/zaken/{case_id}", f"/taken/{next_task['id']}", resident)}
    letters = db.session.scalars(select(Document).where(Document.case_id == case_id)).all()
    assert {letter.kind for letter in letters} >= {"ontvangstbevestiging", "uitnodiging_gesprek", "verslag"}
    for letter in letters:
        pages[f"/zaken/{case_id}/documenten/{letter.id}.html"] = client.get(f"/zaken/{case_id}/documenten/{letter.id}.html")
    for url, response in pages.items():
        page = response.data.decode()
        assert response.status_code == 200, url
        assert SCRIPT not in page and "<img src=x" not in page, url
        assert all(OWN_SCRIPT.fullmatch(tag) for tag in re.findall(r"<script\b[^>]*>", page)), url  # only the app's own
        assert ESCAPED in page, url
    dossier, task_page = pages[f"/zaken/{case_id}"].data.decode(), pages[f"/taken/{next_task['id']}"].data.decode()
    assert "&amp; &lt;img src=x onerror=x()&gt;" in dossier and "&amp; &lt;img src=x onerror=x()&gt;" in task_page
    assert pages[resident].data.decode().count(ESCAPED) >= 2  # the verslag the resident reads: summary, proposal

    for letter in letters:  # the PDF shows the characters the resident's name was typed with
        response = client.get(f"/zaken/{case_id}/documenten/{letter.id}.pdf")
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
        assert SCRIPT in text, letter.kind
