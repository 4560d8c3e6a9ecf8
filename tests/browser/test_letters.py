"""Letters in the browser: a klantmanager corrects a stored letter from the dossier, the resident reads both."""
import re

from playwright.sync_api import expect

from .conftest import check_page, login, veld


def test_a_correction_from_the_dossier_and_the_resident_reads_it(page, new_page, live_server):
    case_id = live_server.new_case("B. Brief")
    login(page, "klantmanager")
    page.goto(f"/zaken/{case_id}/inwonerlink")
    link = page.get_by_label("Link").input_value()

    page.goto(f"/zaken/{case_id}")
    documents = page.get_by_role("region", name="Documenten")
    documents.get_by_role("link", name=re.compile("^Correctie sturen van Ontvangstbevestiging van uw melding")).click()
    expect(page.get_by_role("heading", level=1, name="Correctie sturen")).to_be_visible()
    expect(veld(page, "Onderwerp")).to_have_value("Correctie: Ontvangstbevestiging van uw melding")
    veld(page, "Tekst van de brief").fill("")
    page.problems.allow(422)  # the form with its error comes back as 422
    page.get_by_role("button", name="Correctie maken en bewaren").click()
    expect(page.get_by_role("alert")).to_contain_text("Tekst van de brief is verplicht")  # nothing stored yet
    check_page(page, "correction form with an error")
    veld(page, "Tekst van de brief").fill("In onze brief stond de verkeerde datum.\n\nDe juiste datum is 3 november.")
    page.get_by_role("button", name="Correctie maken en bewaren").click()
    expect(page.get_by_role("status")).to_contain_text("is gemaakt en bewaard bij de zaak")
    documents = page.get_by_role("region", name="Documenten")
    old = documents.get_by_role("listitem").filter(has_text="vervangen door")
    expect(old).to_contain_text(re.compile(r"^\s*Ontvangstbevestiging van uw melding, .*"
                                           r"vervangen door Correctie: Ontvangstbevestiging van uw melding", re.S))
    expect(old.get_by_role("link", name="PDF downloaden")).to_be_visible()  # the old letter stays listed
    expect(documents.get_by_role("link", name=re.compile("^Correctie sturen"))).to_have_count(1)  # only the new one
    check_page(page, "dossier with a corrected letter")

    resident = new_page()
    resident.goto(link)
    letters = resident.get_by_role("region", name="Uw brieven")
    items = letters.get_by_role("listitem")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("Correctie: Ontvangstbevestiging van uw melding")
    expect(items.first).to_contain_text("Deze brief vervangt onze brief van")
    expect(items.nth(1)).to_contain_text("Deze brief klopte niet.")
    check_page(resident, "resident page with letters")
    with resident.expect_download() as download:
        items.first.get_by_role("link", name=re.compile("^Download de brief als PDF")).click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    items.first.get_by_role("link", name=re.compile("^Lees de brief")).click()
    expect(resident.get_by_role("heading", level=1, name="Correctie: Ontvangstbevestiging van uw melding")).to_be_visible()
    expect(resident.get_by_text("De juiste datum is 3 november.")).to_be_visible()
    expect(resident.get_by_text(re.compile("Deze brief vervangt onze brief van"))).to_be_visible()
    check_page(resident, "a letter as the resident reads it")  # its own print stylesheet applies, under the CSP
