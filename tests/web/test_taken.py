"""The task page as a caseworker uses it: read the form beside the case, save a concept, complete the task."""
import re
from datetime import date

from sqlalchemy import func, select

from app.db import db
from app.demo import create_case, demo_bsns, task, walk
from app.models import AccessLog, AuditEvent, Task, TaskDraft

from ..cases.test_paths import BEOORDELEN, aanvraag, toekennen
from .test_routes import csrf, login

MELDING = date(2026, 11, 2)


def open_task(case_id, name):
    return db.session.scalar(select(Task).where(Task.case_id == case_id, Task.name == name))


def new_case(settings, **melding):
    [bsn] = demo_bsns(1)
    case_id = create_case(settings, bsn, MELDING, **melding)
    return case_id, open_task(case_id, "gesprek_plannen").id


def audit_count(case_id):
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.case_id == case_id))


def post(client, task_id, actie, **answers):
    token = csrf(client.get("/inloggen").data)
    return client.post(f"/taken/{task_id}", data={"csrf_token": token, "actie": actie, **answers})


GEEN_GESPREK = {"gesprek_nodig": "nee", "inwoner_stemt_in": "ja", "reden_geen_gesprek": "Alleen een douchestoel.",
                "leveringsvorm": "zin", "soort_hulp": "hulpmiddel"}


def test_the_form_has_labels_help_and_marks_what_is_required(client, staff, settings):
    case_id, task_id = new_case(settings)
    login(client, "km")
    page = client.get(f"/taken/{task_id}").data.decode()
    assert "<h1>Gesprek plannen</h1>" in page
    # every control has a label; help text is linked to its field
    for name in ("gesprek_datum", "gesprek_tijd", "gesprek_vorm", "mee_te_nemen"):
        assert f'<label for="veld-{name}">' in page and f'name="{name}"' in page
    assert '<p class="hulptekst" id="veld-gesprek_tijd-hulp">UU:MM</p>' in page
    assert re.search(r'id="veld-gesprek_tijd"[^>]*aria-describedby="veld-gesprek_tijd-hulp"', page)
    # ja/nee is a fieldset with a legend; a required question says so
    assert re.search(r'<legend>Is een gesprek nodig\? <span class="verplicht">\(verplicht\)</span></legend>', page)
    assert '<label for="veld-gesprek_nodig-ja">Ja</label>' in page and 'type="date" id="veld-gesprek_datum"' in page
    assert '<option value="huisbezoek">Bij de inwoner thuis</option>' in page and "<textarea" in page
    # the case beside it: resident with a masked BSN, hulpvraag, earlier answers, documents
    case_bsn = demo_bsns(1)[0]
    assert case_bsn not in page and f"*****{case_bsn[-4:]}" in page
    assert "J. de Vries" in page and "Ik kan mijn huis niet meer schoonhouden." in page
    assert "<dt>Kanaal</dt><dd>Telefonisch</dd>" in page and "Ontvangstbevestiging van uw melding" in page
    # and the view is in the access log
    log = db.session.scalars(select(AccessLog).where(AccessLog.case_id == case_id)).all()
    assert [(r.actor, r.kind, r.what, r.path) for r in log] == [("km", "inzage", "taak gesprek_plannen", f"/taken/{task_id}")]


def test_a_bad_answer_is_shown_at_its_field_and_nothing_is_stored(client, staff, settings):
    case_id, task_id = new_case(settings)
    before = audit_count(case_id)
    login(client, "km")
    response = post(client, task_id, "afronden", gesprek_nodig="ja", gesprek_tijd="25:99", gesprek_vorm="video",
                    mee_te_nemen="Paspoort")
    page = response.data.decode()
    assert response.status_code == 422
    # the summary at the top links to each field
    assert 'class="foutsamenvatting"' in page and 'href="#veld-gesprek_datum">Datum gesprek is verplicht</a>' in page
    assert 'href="#veld-gesprek_tijd">Tijd heeft niet de juiste vorm: UU:MM</a>' in page
    # the error is next to the field, linked to it, and what was typed is kept
    assert re.search(r'id="veld-gesprek_tijd" name="gesprek_tijd" value="25:99"[^>]*'
                     r'aria-describedby="veld-gesprek_tijd-hulp veld-gesprek_tijd-fout" aria-invalid="true"', page)
    assert '<p class="veldfout" id="veld-gesprek_tijd-fout">' in page
    assert '<option value="video" selected>' in page and ">Paspoort</textarea>" in page
    assert 'id="veld-gesprek_nodig-ja" name="gesprek_nodig" value="ja" checked' in page
    # the case is unchanged
    assert audit_count(case_id) == before and open_task(case_id, "gesprek_plannen").closed_at is None
    assert db.session.get(TaskDraft, task_id) is None


def test_junk_in_a_typed_field_is_an_error_not_a_crash(client, staff, settings):
    case_id, task_id = new_case(settings)
    login(client, "km")
    for actie in ("afronden", "concept"):
        response = post(client, task_id, actie, gesprek_nodig="misschien", gesprek_datum="31-02-2026",
                        gesprek_vorm="per duif")
        page = response.data.decode()
        assert response.status_code == 422, actie
        assert "Is een gesprek nodig? moet ja of nee zijn" in page
        assert "Datum gesprek moet een datum zijn (JJJJ-MM-DD)" in page and "Vorm moet een van de mogelijkheden zijn" in page
    assert "Het concept is niet opgeslagen" in page
    assert db.session.get(TaskDraft, task_id) is None and audit_count(case_id) == 1


def test_html_in_a_text_field_comes_back_as_text(client, staff, settings):
    case_id, task_id = new_case(settings, hulpvraag="<b>vet</b> & meer")
    login(client, "km")
    script = "<script>alert('x')</script>"
    page = post(client, task_id, "afronden", gesprek_nodig="ja", mee_te_nemen=script, gesprek_tijd=script).data.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</textarea>" in page
    assert "&lt;b&gt;vet&lt;/b&gt; &amp; meer" in page
    post(client, task_id, "concept", mee_te_nemen=script)
    page = client.get(f"/taken/{task_id}").data.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_a_concept_is_saved_and_fills_the_form_again(client, staff, settings):
    case_id, task_id = new_case(settings)
    login(client, "km")
    response = post(client, task_id, "concept", gesprek_nodig="ja", gesprek_datum="2026-11-12", mee_te_nemen="Paspoort")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/taken/{task_id}")
    draft = db.session.get(TaskDraft, task_id)
    assert draft.answers == {"gesprek_nodig": True, "gesprek_datum": "2026-11-12", "mee_te_nemen": "Paspoort"}
    page = client.get(f"/taken/{task_id}").data.decode()
    assert "Concept opgeslagen." in page and re.search(r"Concept opgeslagen op \d\d-\d\d-\d{4} \d\d:\d\d door km", page)
    assert 'id="veld-gesprek_nodig-ja" name="gesprek_nodig" value="ja" checked' in page
    assert 'name="gesprek_datum" value="2026-11-12"' in page and ">Paspoort</textarea>" in page
    # saving again replaces the concept; nothing of the case changed
    post(client, task_id, "concept", gesprek_nodig="nee")
    db.session.expire_all()
    assert db.session.get(TaskDraft, task_id).answers == {"gesprek_nodig": False} and audit_count(case_id) == 1


def test_a_good_answer_completes_the_task_and_the_next_one_is_in_the_inbox(client, staff, settings):
    case_id, task_id = new_case(settings)
    login(client, "km")
    post(client, task_id, "concept", gesprek_nodig="nee")
    response = post(client, task_id, "afronden", **GEEN_GESPREK)
    assert response.status_code == 302 and response.headers["Location"].endswith("/werkvoorraad")
    inbox = client.get("/werkvoorraad").data.decode()
    assert "Taak afgerond." in inbox and "Verslag opstellen" in inbox and "Gesprek plannen</a>" not in inbox
    db.session.expire_all()
    done = db.session.get(Task, task_id)
    assert done.closed_by == "km" and db.session.get(TaskDraft, task_id) is None  # the concept went with the task
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.task_id == task_id))
    assert event.changes["gesprek_nodig"] is False and event.changes["soort_hulp"] == "hulpmiddel"
    # the next task shows the earlier answers with the titles of the form they came from
    page = client.get(f"/taken/{open_task(case_id, 'verslag_opstellen').id}").data.decode()
    assert "<h4>Gesprek plannen</h4>" in page and "<dt>Soort hulp</dt><dd>Overig hulpmiddel</dd>" in page
    assert "<dt>Is een gesprek nodig?</dt><dd>nee</dd>" in page


def test_a_closed_task_says_so_and_has_no_form(client, staff, settings):
    case_id, task_id = new_case(settings)
    login(client, "km")
    post(client, task_id, "afronden", **GEEN_GESPREK)
    page = client.get(f"/taken/{task_id}").data.decode()
    assert re.search(r"Deze taak is afgerond op \d\d-\d\d-\d{4} \d\d:\d\d door km", page)
    assert "Taak afronden" not in page and "<dt>Soort hulp</dt><dd>Overig hulpmiddel</dd>" in page
    again = post(client, task_id, "afronden", **GEEN_GESPREK)
    assert again.status_code == 409 and "Deze taak is niet meer open" in again.data.decode()
    assert post(client, task_id, "concept", gesprek_nodig="ja").status_code == 409


def test_a_role_that_may_not_is_refused_and_logged(client, staff, settings):
    case_id, task_id = new_case(settings)
    for name in ("bes", "pgb", "pb"):
        login(client, name)
        assert client.get(f"/taken/{task_id}").status_code == 403
        assert post(client, task_id, "afronden", **GEEN_GESPREK).status_code == 403
        assert post(client, task_id, "concept", gesprek_nodig="ja").status_code == 403
    refused = db.session.scalars(select(AccessLog).where(AccessLog.kind == "geweigerd")).all()
    assert {(r.actor, r.case_id) for r in refused} == {("bes", case_id), ("pgb", case_id), ("pb", case_id)}
    assert len(refused) == 9 and not db.session.scalars(select(AccessLog).where(AccessLog.kind == "inzage")).all()
    assert open_task(case_id, "gesprek_plannen").closed_at is None and db.session.get(TaskDraft, task_id) is None


def test_a_teamleider_may_look_but_not_act(client, staff, settings):
    case_id, task_id = new_case(settings)
    login(client, "km")
    post(client, task_id, "concept", mee_te_nemen="Paspoort")
    login(client, "tl")
    page = client.get(f"/taken/{task_id}").data.decode()
    assert "U kunt deze taak inzien, maar niet afronden" in page and "Taak afronden" not in page
    assert "<dt>Mee te nemen gegevens</dt><dd>Paspoort</dd>" in page and "door km" in page
    assert post(client, task_id, "afronden", **GEEN_GESPREK).status_code == 403
    assert open_task(case_id, "gesprek_plannen").closed_at is None


def test_a_task_that_needs_the_bsn_shows_it_with_the_plan_and_earlier_answers(client, staff, settings):
    case_id = create_case(settings, "999990019", MELDING)
    walk(settings, case_id, aanvraag() + [BEOORDELEN, toekennen()], MELDING)
    login(client, "km")
    page = client.get(f"/taken/{open_task(case_id, 'zorgaanbieder_toewijzen').id}").data.decode()
    assert '<dd class="bsn">999990019</dd>' in page and "Het volledige BSN staat hier" in page
    assert "Persoonlijk plan" in page and "Zelf koken, hulp bij schoonmaken." in page
    assert "<h4>Besluit nemen</h4>" in page and "<dt>Leveringsvorm</dt><dd>Zorg in natura</dd>" in page
    assert 'name="agb_code"' in page and "8 cijfers." in page
    # a task that does not need it masks it
    walk(settings, case_id, [task("zorgaanbieder_toewijzen")], date(2026, 12, 1))
    page = client.get(f"/taken/{open_task(case_id, 'verslag_opstellen').id}").data.decode()
    assert "999990019" not in page and "*****0019" in page


def test_an_unknown_task_is_not_found(client, staff):
    login(client, "km")
    assert client.get("/taken/bestaat-niet").status_code == 404
