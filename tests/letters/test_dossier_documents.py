"""The letters in the dossier: listed, read as HTML, downloaded as PDF, every read logged, other roles refused."""
from sqlalchemy import select

from app.db import db
from app.models import Document
from app.web.security import HEADERS
from tests.web.test_dossier import access_log, login, new_case, read, users  # noqa: F401 (users is a fixture)


def test_the_dossier_lists_the_letter_and_both_downloads_are_logged(client, users, settings):  # noqa: F811
    case_id = new_case(settings)
    [letter] = db.session.scalars(select(Document).where(Document.case_id == case_id)).all()
    login(client, "km")
    page = read(client, f"/zaken/{case_id}").data.decode()
    assert "Nog geen documenten" not in page and "Ontvangstbevestiging van uw melding" in page
    html_path, pdf_path = (f"/zaken/{case_id}/documenten/{letter.id}.html", f"/zaken/{case_id}/documenten/{letter.id}.pdf")
    assert f'href="{html_path}"' in page and f'href="{pdf_path}"' in page

    response = read(client, html_path)
    assert response.status_code == 200 and response.mimetype == "text/html"
    # The app's CSP, and inline style only for the letter's own print stylesheet (by its hash): no console error.
    csp = response.headers["Content-Security-Policy"]
    assert csp.startswith(HEADERS["Content-Security-Policy"] + "; style-src 'self' 'sha256-") and "unsafe" not in csp
    assert response.data.decode() == letter.html
    response = read(client, pdf_path)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == letter.pdf and response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]
    assert access_log(case_id)[-2:] == [("km", "inzage", "document ontvangstbevestiging", html_path),
                                        ("km", "inzage", "document ontvangstbevestiging", pdf_path)]


def test_a_case_without_letters_says_so(client, users, settings, monkeypatch):  # noqa: F811
    from app.letters import service

    monkeypatch.setattr(service, "LETTERS", {})
    case_id = new_case(settings)
    login(client, "km")
    assert "Nog geen documenten" in read(client, f"/zaken/{case_id}").data.decode()


def test_procesbeheerder_gets_403_and_another_cases_letter_is_not_found(client, users, settings):  # noqa: F811
    case_id, other = new_case(settings), new_case(settings)
    [letter] = db.session.scalars(select(Document).where(Document.case_id == case_id)).all()
    login(client, "pb")
    for suffix in ("html", "pdf"):
        response = read(client, f"/zaken/{case_id}/documenten/{letter.id}.{suffix}")
        assert response.status_code == 403 and b"%PDF" not in response.data and b"melding ontvangen" not in response.data
    assert [kind for _, kind, _, _ in access_log(case_id)] == ["geweigerd", "geweigerd"]
    client.get("/uitloggen")
    login(client, "km")
    assert read(client, f"/zaken/{other}/documenten/{letter.id}.pdf").status_code == 404
