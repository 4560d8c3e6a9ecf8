"""The front desk registers a new melding: the form, its errors, and who may."""
import re

from sqlalchemy import func, select

from app.db import db
from app.demo import demo_bsns
from app.models import Case

from .test_routes import csrf, login

GOOD = {
    "kanaal": "telefonisch", "ontvangen_op": "2026-11-02", "naam": "A. Bakker", "geboortedatum": "1950-06-01",
    "adres.straat": "Kerkstraat", "adres.huisnummer": "3a", "adres.postcode": "1234 AB", "adres.woonplaats": "Ergens",
    "hulpvraag": "Ik kan niet meer zelf douchen.", "ingediend_door": "inwoner",
}


def cases():
    return db.session.scalar(select(func.count()).select_from(Case))


def post(client, **fields):
    return client.post("/meldingen/nieuw", data={"csrf_token": csrf(client.get("/inloggen").data), **fields})


def test_the_form_shows_every_field_with_its_label(client, staff):
    login(client, "km")
    page = client.get("/meldingen/nieuw").data.decode()
    assert "<h1>Nieuwe melding</h1>" in page
    for name in ("kanaal", "ontvangen_op", "bsn", "naam", "geboortedatum", "hulpvraag", "ingediend_door"):
        assert f'<label for="veld-{name}">' in page and f'name="{name}"' in page
    assert re.search(r'<fieldset class="veldgroep" id="veld-adres">\s*<legend>Adres <span class="verplicht">', page)
    assert '<label for="veld-adres-postcode">' in page and 'name="adres.postcode"' in page
    assert 'name="vertegenwoordiger.relatie"' in page and "<legend>Vertegenwoordiger</legend>" in page
    assert '<label for="veld-vertegenwoordiger-relatie">Relatie tot de inwoner</label>' in page  # optional group
    assert '<option value="mondeling">Aan de balie (mondeling)</option>' in page
    assert '<option value="inwoner" selected>De inwoner zelf</option>' in page
    assert "9 cijfers (elfproef)" in page and 'aria-describedby="veld-bsn-hulp"' in page


def test_bad_input_is_shown_per_field_and_nothing_is_stored(client, staff):
    login(client, "km")
    response = post(client, **{**GOOD, "bsn": "123456789", "naam": "<script>alert(1)</script>",
                               "adres.postcode": "12345", "adres.straat": "", "geboortedatum": "gisteren",
                               "ingediend_door": "vertegenwoordiger"})
    page = response.data.decode()
    assert response.status_code == 422 and cases() == 0
    assert 'href="#veld-bsn">BSN is geen geldig BSN (elfproef)</a>' in page
    assert 'href="#veld-adres-straat">Straat is verplicht</a>' in page
    assert 'href="#veld-adres-postcode">Postcode heeft niet de juiste vorm: Bijvoorbeeld 1234 AB</a>' in page
    assert 'href="#veld-geboortedatum">Geboortedatum moet een datum zijn (JJJJ-MM-DD)</a>' in page
    assert 'href="#veld-vertegenwoordiger-naam">Vertegenwoordiger is verplicht</a>' in page
    assert re.search(r'id="veld-bsn" name="bsn" value="123456789"[^>]*aria-describedby="veld-bsn-hulp veld-bsn-fout" '
                     r'aria-invalid="true"', page)
    assert 'name="adres.postcode" value="12345"' in page
    assert "<script>alert" not in page and 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in page


def test_a_partly_filled_representative_names_the_missing_field(client, staff):
    login(client, "km")
    [bsn] = demo_bsns(1)
    response = post(client, **{**GOOD, "bsn": bsn, "ingediend_door": "vertegenwoordiger",
                               "vertegenwoordiger.naam": "P. Bakker"})
    assert response.status_code == 422 and cases() == 0
    assert 'href="#veld-vertegenwoordiger-relatie">Relatie tot de inwoner is verplicht</a>' in response.data.decode()


def test_a_good_melding_opens_its_dossier(client, staff):
    login(client, "km")
    [bsn] = demo_bsns(1)
    response = post(client, **{**GOOD, "bsn": bsn, "ingediend_door": "vertegenwoordiger",
                               "vertegenwoordiger.naam": "P. Bakker", "vertegenwoordiger.relatie": "dochter"})
    assert response.status_code == 302
    case = db.session.scalar(select(Case))
    assert response.headers["Location"].endswith(f"/zaken/{case.id}")
    assert case.naam == "A. Bakker" and case.bsn == bsn
    assert case.adres == {"straat": "Kerkstraat", "huisnummer": "3a", "postcode": "1234 AB", "woonplaats": "Ergens"}
    assert case.data["vertegenwoordiger"] == {"naam": "P. Bakker", "relatie": "dochter"}
    assert case.data["ontvangen_op"] == "2026-11-02" and case.data["kanaal"] == "telefonisch"


def test_the_procesbeheerder_may_not_register(client, staff):
    login(client, "pb")
    assert client.get("/meldingen/nieuw").status_code == 403
    [bsn] = demo_bsns(1)
    assert post(client, **{**GOOD, "bsn": bsn}).status_code == 403 and cases() == 0
    for name in ("bes", "pgb", "tl"):
        login(client, name)
        assert client.get("/meldingen/nieuw").status_code == 200
