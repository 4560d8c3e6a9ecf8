"""The resident reads the letters of the own case through the personal link; any other letter is refused and logged."""
import re

from sqlalchemy import select

from app.auth.service import Actor
from app.db import db
from app.letters import handwritten
from app.models import AccessLog, Document

from .test_pages import INTAKE, SIGNED, VERSLAG, at, new_case, refusals, resident_link, users  # noqa: F401 (users)


def letters(case_id):
    return list(db.session.scalars(select(Document).where(Document.case_id == case_id).order_by(Document.id)))


def reads(case_id):
    return [(r.actor, r.what, r.path) for r in db.session.scalars(
        select(AccessLog).where(AccessLog.case_id == case_id, AccessLog.kind == "inzage", AccessLog.actor == "inwoner")
        .order_by(AccessLog.id))]


def test_the_resident_lists_reads_and_downloads_the_own_letters(app, client, users, settings):
    case_id = new_case(settings, VERSLAG)
    sent = letters(case_id)
    assert [d.kind for d in sent] == ["ontvangstbevestiging", "uitnodiging_gesprek", "verslag"]
    link = resident_link(app, case_id)
    with at(SIGNED):
        page = client.get(link).data.decode()
    section = page[page.index('id="brieven"'):page.index('id="vragen-titel"')]
    assert "Uw brieven" in section and "De nieuwste staat bovenaan." in section
    titles = re.findall(r"<strong>([^<]+)</strong><br>\s*Verstuurd op ", section)
    assert titles == ["Verslag van het gesprek over uw hulpvraag", "Uitnodiging voor het gesprek over uw hulpvraag",
                      "Ontvangstbevestiging van uw melding"]
    first = sent[0]
    assert f'href="{link}/brieven/{first.id}.html"' in section and f'href="{link}/brieven/{first.id}.pdf"' in section

    with at(SIGNED):
        html = client.get(f"{link}/brieven/{first.id}.html")
        pdf = client.get(f"{link}/brieven/{first.id}.pdf")
    assert html.status_code == 200 and html.mimetype == "text/html" and html.data.decode() == first.html
    assert "default-src 'self'" in html.headers["Content-Security-Policy"]
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data == first.pdf
    assert "attachment" in pdf.headers["Content-Disposition"]
    # Each read is in the access log with the resident as actor, the link kept out of it.
    assert reads(case_id)[-2:] == [
        ("inwoner", "document ontvangstbevestiging", f"/inwoner/<link>/brieven/{first.id}.html"),
        ("inwoner", "document ontvangstbevestiging", f"/inwoner/<link>/brieven/{first.id}.pdf"),
    ]


def test_a_letter_of_another_case_or_an_unknown_one_is_refused_and_logged(app, client, users, settings):
    own = new_case(settings, INTAKE)
    other = new_case(settings, INTAKE, bsn_index=1)
    theirs = letters(other)[0]
    link = resident_link(app, own)
    with at(SIGNED):
        for number, suffix in ((theirs.id, "pdf"), (theirs.id, "html"), (99999, "pdf"), (2**40, "pdf")):
            response = client.get(f"{link}/brieven/{number}.{suffix}")
            body = response.data
            assert response.status_code == 403 and "Deze brief hoort niet bij uw link." in body.decode()
            assert b"%PDF" not in body and theirs.title.encode() not in body
    [pdf_try, html_try] = refusals(other)  # the other case's log shows who tried to read its letter
    assert f"(link van zaak {own})" in pdf_try.what and pdf_try.path == f"/inwoner/<link>/brieven/{theirs.id}.pdf"
    assert html_try.path.endswith(".html")
    assert [r.path for r in refusals(own)] == ["/inwoner/<link>/brieven/99999.pdf", f"/inwoner/<link>/brieven/{2**40}.pdf"]
    assert reads(other) == []


def test_an_altered_link_opens_no_letter(app, client, users, settings):
    case_id = new_case(settings, INTAKE)
    letter = letters(case_id)[0]
    link = resident_link(app, case_id)
    altered = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
    with at(SIGNED):
        response = client.get(f"{altered}/brieven/{letter.id}.pdf")
    assert response.status_code == 403 and "Deze link klopt niet." in response.data.decode()
    assert b"%PDF" not in response.data
    [logged] = refusals(case_id)
    assert logged.what.startswith("inwonerlink ongeldig") and logged.path == f"/inwoner/<link>/brieven/{letter.id}.pdf"


def test_a_corrected_letter_says_so_on_the_residents_page(app, client, users, settings):
    case_id = new_case(settings, INTAKE)
    old = letters(case_id)[0]
    with at(SIGNED):
        new = handwritten.write(settings, case_id, {"onderwerp": "Correctie: uw melding", "tekst": "De goede datum."},
                                Actor("km", frozenset({"klantmanager"})), corrects=old.id)
    link = resident_link(app, case_id)
    with at(SIGNED):
        page = client.get(link).data.decode()
    item = re.search(rf'<li class="brief" data-document="{old.id}">.*?</li>', page, re.S).group(0)
    assert "Deze brief klopte niet. Wij hebben u op" in item and "een nieuwe brief gestuurd. Die geldt nu." in item
    item = re.search(rf'<li class="brief" data-document="{new.id}">.*?</li>', page, re.S).group(0)
    assert "Correctie: uw melding" in item and "Deze brief vervangt onze brief van" in item
    with at(SIGNED):
        assert client.get(f"{link}/brieven/{old.id}.pdf").data == old.pdf  # the old letter can still be read


def test_a_pdf_that_cannot_be_made_now_tells_the_resident_so_on_the_residents_own_page(app, client, users, settings,
                                                                                     monkeypatch):
    from app.letters import pdfs

    case_id = new_case(settings, INTAKE)
    letter = letters(case_id)[-1]
    db.session.execute(db.update(Document).where(Document.id == letter.id).values(pdf=None, sha256=None))
    db.session.commit()  # as the step leaves a letter before the worker renders its PDF
    monkeypatch.setattr(pdfs, "_failed", {})
    monkeypatch.setattr(pdfs, "render_pdf", lambda html: (_ for _ in ()).throw(OSError("no fonts")))
    link = resident_link(app, case_id)
    with at(SIGNED):
        response = client.get(f"{link}/brieven/{letter.id}.pdf")
    page = response.data.decode()
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "De PDF van deze brief kan nu niet worden gemaakt" in page
    assert "/werkvoorraad" not in page and "/zaken/" not in page  # the resident's error page, no caseworkers' links
