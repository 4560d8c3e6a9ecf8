"""Letters written by hand from the dossier, and corrections of a stored letter: a new letter, the old one kept."""
import hashlib
import re

from sqlalchemy import func, select

from app.db import db
from app.models import AccessLog, AuditEvent, Document
from app.engine import clock
from app.models import Task
from tests.letters.test_letters import pdf_text
from tests.pages import csrf
from tests.web.test_dossier import NOV_20, access_log, login, new_case, read, users  # noqa: F401 (users is a fixture)

TEKST = "U belde ons op 18 november.\nWij hebben uw vraag genoteerd.\n\nWij bellen u volgende week terug."


def documents(case_id):
    return list(db.session.scalars(select(Document).where(Document.case_id == case_id).order_by(Document.id)))


def count(model, case_id):
    return db.session.scalar(select(func.count()).select_from(model).where(model.case_id == case_id))


def post(client, path, **form):
    with clock.at(NOV_20):
        token = csrf(client.get(path).data)
        return client.post(path, data={"csrf_token": token, **form})


def test_a_klantmanager_writes_a_letter_from_the_dossier(client, users, settings):  # noqa: F811
    case_id = new_case(settings)
    login(client, "km")
    dossier = read(client, f"/zaken/{case_id}").data.decode()
    assert f'href="/zaken/{case_id}/brieven/nieuw"' in dossier
    form = read(client, f"/zaken/{case_id}/brieven/nieuw").data.decode()
    assert '<label for="veld-onderwerp">Onderwerp' in form and '<textarea id="veld-tekst"' in form

    response = post(client, f"/zaken/{case_id}/brieven/nieuw", onderwerp="Uw <b>vraag</b> over de hulp", tekst=TEKST)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/zaken/{case_id}#documenten")
    letter = documents(case_id)[-1]
    assert (letter.kind, letter.title, letter.created_by, letter.corrects_id) == ("brief", "Uw <b>vraag</b> over de hulp", "km", None)
    # The route's letterhead, the resident's name and address, today's date; paragraphs as typed; HTML shown as text.
    html = letter.html
    assert 'class="briefhoofd"' in html and "Dorpsstraat 12" in html and "20 november 2026" in html
    assert "<h1>Uw &lt;b&gt;vraag&lt;/b&gt; over de hulp</h1>" in html and "<b>vraag</b>" not in html
    assert "<p>U belde ons op 18 november.<br>Wij hebben uw vraag genoteerd.</p>" in html
    assert "<p>Wij bellen u volgende week terug.</p>" in html and "Met vriendelijke groet" in html
    assert "Wij bellen u volgende week terug." in pdf_text(letter)
    db.session.refresh(letter)
    assert letter.sha256 == hashlib.sha256(letter.pdf).hexdigest()
    # One audit entry, shown in the timeline; the letter in the list with its downloads.
    audit = db.session.get(AuditEvent, letter.audit_event_id)
    assert (audit.kind, audit.name, audit.actor, audit.changes) == ("brief", "handgeschreven", "km",
                                                                   {"onderwerp": "Uw <b>vraag</b> over de hulp"})
    dossier = read(client, f"/zaken/{case_id}").data.decode()
    assert "Brief geschreven" in dossier and "(geschreven door km)" in dossier
    assert f'href="/zaken/{case_id}/documenten/{letter.id}.pdf"' in dossier
    assert read(client, f"/zaken/{case_id}/documenten/{letter.id}.pdf").data == letter.pdf


def test_a_correction_is_a_new_letter_and_the_old_one_stays_as_sent(client, users, settings):  # noqa: F811
    case_id = new_case(settings)
    [old] = documents(case_id)
    before = (old.html, old.sha256)
    login(client, "bes")  # a beslisser may correct too
    path = f"/zaken/{case_id}/documenten/{old.id}/correctie"
    form = read(client, path).data.decode()
    assert 'value="Correctie: Ontvangstbevestiging van uw melding"' in form
    assert f'href="/zaken/{case_id}/documenten/{old.id}.html">Ontvangstbevestiging van uw melding</a>' in form

    response = post(client, path, onderwerp="Correctie: ontvangstbevestiging", tekst="De juiste datum is 3 november.")
    assert response.status_code == 302
    old_again, new = documents(case_id)
    assert old_again.id == old.id and (old_again.html, old_again.sha256) == before
    assert (new.kind, new.corrects_id, new.created_by) == ("correctie", old.id, "bes")
    # It names the date the old letter bears (as the resident read it), not the moment it was stored.
    day = re.search(r"<dt>Datum</dt><dd>([^<]+)</dd>", old.html).group(1)
    assert day == "2 november 2026"
    assert f"Deze brief vervangt onze brief van {day} met als onderwerp" in new.html
    assert "Ontvangstbevestiging van uw melding" in new.html and "De juiste datum is 3 november." in new.html
    assert f"Deze brief vervangt onze brief van {day}" in pdf_text(new)
    audit = db.session.get(AuditEvent, new.audit_event_id)
    assert (audit.name, audit.changes["corrigeert"]) == ("correctie", old.id)

    # The dossier still lists the old letter, marked as replaced, and offers no second correction of it.
    dossier = read(client, f"/zaken/{case_id}").data.decode()
    item = re.search(rf'<li class="document vervangen" id="document-{old.id}".*?</li>', dossier, re.S).group(0)
    assert "vervangen door Correctie: ontvangstbevestiging van" in item and f"documenten/{old.id}.pdf" in item
    assert f"/documenten/{old.id}/correctie" not in dossier and f"/documenten/{new.id}/correctie" in dossier
    assert "vervangt Ontvangstbevestiging van uw melding van" in dossier
    assert "Correctie van een brief verstuurd" in dossier

    # Correcting the replaced letter again is refused (correct the correction instead); nothing more is stored.
    response = post(client, f"/zaken/{case_id}/documenten/{new.id}/correctie", onderwerp="x", tekst="y")
    assert response.status_code == 302
    with clock.at(NOV_20):
        token = csrf(client.get(f"/zaken/{case_id}").data)
        again = client.post(path, data={"csrf_token": token, "onderwerp": "Nog een", "tekst": "Nog een"})
    assert again.status_code == 409 and "al vervangen door document" in again.data.decode()
    assert len(documents(case_id)) == 3


def test_an_empty_subject_or_text_names_the_field_and_stores_nothing(client, users, settings):  # noqa: F811
    case_id = new_case(settings)
    stored, audits = count(Document, case_id), count(AuditEvent, case_id)
    login(client, "km")
    response = post(client, f"/zaken/{case_id}/brieven/nieuw", onderwerp="   ", tekst="Wel tekst")
    page = response.data.decode()
    assert response.status_code == 422 and "Onderwerp is verplicht" in page and 'value="Wel tekst"' not in page
    assert "Wel tekst</textarea>" in page  # what was typed is shown again
    response = post(client, f"/zaken/{case_id}/brieven/nieuw", onderwerp="Onderwerp", tekst="\n \n")
    assert response.status_code == 422 and "Tekst van de brief is verplicht" in response.data.decode()
    response = post(client, f"/zaken/{case_id}/brieven/nieuw", onderwerp="x" * 201, tekst="Tekst")
    assert response.status_code == 422 and "Onderwerp is te lang (hoogstens 200 tekens)" in response.data.decode()
    assert (count(Document, case_id), count(AuditEvent, case_id)) == (stored, audits)


def test_a_form_without_its_csrf_token_is_refused_and_stores_nothing(client, users, settings):  # noqa: F811
    case_id = new_case(settings)
    [old] = documents(case_id)
    login(client, "km")
    for path in (f"/zaken/{case_id}/brieven/nieuw", f"/zaken/{case_id}/documenten/{old.id}/correctie"):
        response = client.post(path, data={"onderwerp": "Onderwerp", "tekst": "Tekst"})
        assert response.status_code == 400 and "Het formulier is verlopen" in response.data.decode()
    assert count(Document, case_id) == 1


def test_only_a_klantmanager_or_beslisser_writes_and_a_refusal_is_logged(client, users, settings):  # noqa: F811
    case_id = new_case(settings)
    [old] = documents(case_id)
    for name in ("pgb", "tl"):
        login(client, name)
        dossier = read(client, f"/zaken/{case_id}").data.decode()
        assert "/brieven/nieuw" not in dossier and "/correctie" not in dossier  # they still read the letters
        assert f"/documenten/{old.id}.pdf" in dossier
        for path in (f"/zaken/{case_id}/brieven/nieuw", f"/zaken/{case_id}/documenten/{old.id}/correctie"):
            response = post(client, path, onderwerp="Onderwerp", tekst="Tekst")  # the form is refused, then the POST
            assert response.status_code == 403 and "een brief schrijven of corrigeren" in response.data.decode()
    refusals = db.session.scalars(select(AccessLog).where(AccessLog.case_id == case_id, AccessLog.kind == "geweigerd")
                                  .order_by(AccessLog.id)).all()
    assert [(r.actor, r.what) for r in refusals] == [(name, "uw rol mag niet: een brief schrijven of corrigeren")
                                                     for name in ("pgb",) * 4 + ("tl",) * 4]
    assert count(Document, case_id) == 1


def test_a_letter_of_another_case_cannot_be_corrected_here(client, users, settings):  # noqa: F811
    case_id, other = new_case(settings), new_case(settings)
    [letter] = documents(case_id)
    login(client, "km")
    assert read(client, f"/zaken/{other}/documenten/{letter.id}/correctie").status_code == 404
    assert count(Document, other) == 1


def test_the_task_page_lists_the_cases_documents_with_the_dossiers_downloads(client, users, settings):  # noqa: F811
    case_id = new_case(settings)
    [letter] = documents(case_id)
    task = db.session.scalar(select(Task).where(Task.case_id == case_id, Task.closed_at.is_(None)))
    login(client, "km")
    page = read(client, f"/taken/{task.id}").data.decode()
    assert "Nog geen documenten" not in page and "Ontvangstbevestiging van uw melding" in page
    assert f'href="/zaken/{case_id}/documenten/{letter.id}.html"' in page
    assert f'href="/zaken/{case_id}/documenten/{letter.id}.pdf"' in page
    assert read(client, f"/zaken/{case_id}/documenten/{letter.id}.pdf").data == letter.pdf
    assert access_log(case_id)[-1] == ("km", "inzage", "document ontvangstbevestiging",
                                       f"/zaken/{case_id}/documenten/{letter.id}.pdf")
