"""A letter's PDF follows its step: the timer worker renders it, or the first download does; stored once, never replaced."""
import hashlib
import logging
import threading
from datetime import date

import pytest
from sqlalchemy import select

from app.db import db
from app.demo import create_case, demo_bsns
from app.letters import pdfs
from app.models import Document
from tests.web.test_dossier import login, read, users  # noqa: F401 (users is a fixture)
from timers.ticker import sweep

MELDING = date(2026, 11, 2)


@pytest.fixture(autouse=True)
def no_failures_remembered(monkeypatch):
    monkeypatch.setattr(pdfs, "_failed", {})


def letters_of(settings, count: int) -> list[Document]:
    """``count`` new cases' ontvangstbevestigingen, as their melding stored them."""
    ids = [create_case(settings, bsn, MELDING) for bsn in demo_bsns(count)]
    return list(db.session.scalars(select(Document).where(Document.case_id.in_(ids)).order_by(Document.id)))


def stored(document_id: int) -> tuple[bytes | None, str | None]:
    db.session.rollback()
    return db.session.execute(select(Document.pdf, Document.sha256).where(Document.id == document_id)).one()


def test_the_step_stores_the_letter_and_the_timer_worker_renders_its_pdf(app, client):
    settings = app.extensions["wmo"]
    letters = letters_of(settings, 3)
    assert [d.kind for d in letters] == ["ontvangstbevestiging"] * 3
    assert all(d.pdf is None and d.sha256 is None and "Wij hebben uw melding ontvangen" in d.html for d in letters)
    assert client.get("/healthz").get_json()["letters"] == {"pdf_pending": 3}

    sweep(app)  # what `wmo timers run` does every interval: fire due timers, then render letters' PDFs

    for letter in letters:
        pdf, sha256 = stored(letter.id)
        assert pdf.startswith(b"%PDF") and sha256 == hashlib.sha256(pdf).hexdigest()
    assert client.get("/healthz").get_json()["letters"] == {"pdf_pending": 0}
    assert pdfs.render_pending() == 0  # nothing left, nothing rendered again


def test_the_first_download_renders_the_pdf_and_later_ones_get_the_same_file(app, client, users):  # noqa: F811
    settings = app.extensions["wmo"]
    [letter] = letters_of(settings, 1)
    login(client, "km")
    path = f"/zaken/{letter.case_id}/documenten/{letter.id}.pdf"
    first = read(client, path)
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    assert stored(letter.id) == (first.data, hashlib.sha256(first.data).hexdigest())
    assert read(client, path).data == first.data
    assert pdfs.render_pending() == 0  # the worker finds it done


def test_a_stored_pdf_is_never_replaced(app):
    settings = app.extensions["wmo"]
    [letter] = letters_of(settings, 1)
    assert pdfs._store(letter.id, b"%PDF-first") == 1
    assert pdfs._store(letter.id, b"%PDF-second") == 0  # a second renderer (a download, another worker) came later
    assert stored(letter.id) == (b"%PDF-first", hashlib.sha256(b"%PDF-first").hexdigest())


def test_two_workers_share_a_backlog_and_store_each_pdf_once(app):
    settings = app.extensions["wmo"]
    letters = letters_of(settings, 6)
    db.session.commit()
    counts, errors = [], []

    def worker():
        try:
            with app.app_context():
                counts.append(pdfs.render_pending(seconds=120))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    assert errors == [] and sum(counts) == len(letters)
    assert all(stored(d.id)[0].startswith(b"%PDF") for d in letters)


def test_a_letter_that_fails_to_render_is_logged_and_the_others_go_on(app, monkeypatch, caplog):
    settings = app.extensions["wmo"]
    first, second = letters_of(settings, 2)
    real = pdfs.render_pdf
    monkeypatch.setattr(pdfs, "render_pdf",
                        lambda html: (_ for _ in ()).throw(OSError("no fonts")) if html == first.html else real(html))
    with caplog.at_level(logging.ERROR, logger="app.letters.pdfs"):
        assert pdfs.render_pending() == 1
    assert f"letter {first.id}: rendering its pdf failed" in caplog.text
    assert stored(first.id) == (None, None) and stored(second.id)[0].startswith(b"%PDF")
    assert pdfs.render_pending() == 0  # not retried at once: the next sweeps are not spent on it
    monkeypatch.setattr(pdfs, "_failed", {})  # after RETRY_FAILED_AFTER (or a restart) it is tried again
    monkeypatch.setattr(pdfs, "render_pdf", real)
    assert pdfs.render_pending() == 1 and stored(first.id)[0].startswith(b"%PDF")


def test_the_worker_stops_after_its_budget(app):
    settings = app.extensions["wmo"]
    letters_of(settings, 3)
    assert pdfs.render_pending(limit=2) == 2
    assert pdfs.pending() == 1
    assert pdfs.render_pending(seconds=0) == 0  # no time left: the rest after the next sweep
    assert pdfs.pending() == 1


def test_the_whole_letter_is_in_one_typeface_its_page_footer_too(app):
    import io

    from pypdf import PdfReader

    settings = app.extensions["wmo"]
    [letter] = letters_of(settings, 1)
    reader = PdfReader(io.BytesIO(pdfs.pdf_of(letter)))
    fonts = {font.get_object()["/BaseFont"].split("+", 1)[1] for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert "Pagina 1 van" in reader.pages[0].extract_text()
    assert fonts <= {"DejaVu-Sans", "DejaVu-Sans-Bold", "DejaVu-Sans-Oblique"}, fonts  # the footer was DejaVu Serif


def test_a_pdf_that_cannot_be_rendered_on_download_is_a_503_and_the_letter_stays(app, client, users, monkeypatch,  # noqa: F811
                                                                                  caplog, tokens):
    settings = app.extensions["wmo"]
    [letter] = letters_of(settings, 1)
    monkeypatch.setattr(pdfs, "render_pdf", lambda html: (_ for _ in ()).throw(OSError("no fonts")))
    login(client, "km")
    with caplog.at_level(logging.ERROR, logger="app.letters.pdfs"):
        page = read(client, f"/zaken/{letter.case_id}/documenten/{letter.id}.pdf")
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "De PDF van deze brief kan nu niet worden gemaakt" in page.data.decode()
    assert f"letter {letter.id}: rendering its pdf failed on download" in caplog.text
    api = client.get(f"/api/v1/cases/{letter.case_id}/documents/{letter.id}.pdf",
                     headers={"Authorization": f"Bearer {tokens['klantmanager']}"})
    assert api.status_code == 503 and api.headers["Retry-After"] == "30"
    assert api.get_json() == {"error": pdfs.PDF_UNAVAILABLE, "fields": {}}
    html = read(client, f"/zaken/{letter.case_id}/documenten/{letter.id}.html")
    assert html.status_code == 200 and html.data.decode() == letter.html  # the letter as sent is still there
    assert stored(letter.id) == (None, None)


def test_the_worker_stops_once_the_process_is_stopping(app):
    settings = app.extensions["wmo"]
    letters_of(settings, 2)
    stopping = threading.Event()
    stopping.set()
    assert pdfs.render_pending(seconds=60, stop=stopping) == 0 and pdfs.pending() == 2  # left for the next start
