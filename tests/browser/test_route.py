"""A case worked from melding to beschikking through the pages, by the roles that do each step, and the resident."""
import re
from datetime import date, timedelta

from playwright.sync_api import expect

from .conftest import afronden, check_page, kies, login, logout, veld

NAAM = "R. van Route"
VOORSTEL = "Hulp bij het huishouden, <b>zorg in natura</b>.<script>alert(3)</script>"  # HTML stays text


def open_task(page, case_id: int, title: str) -> None:
    """Go to the case's dossier and open one of its open tasks, as a caseworker would."""
    page.goto(f"/zaken/{case_id}")
    page.get_by_role("region", name="Open taken").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()


def wait_for_diagram(page) -> None:
    """bpmn-js has drawn the case's process, with its markers."""
    expect(page.locator("#procesdiagram.geladen")).to_be_visible()
    expect(page.locator("#diagram-canvas svg").first).to_be_attached()
    expect(page.locator("#diagram-canvas .djs-element").first).to_be_attached()


def resident_link(page, case_id: int) -> str:
    """The klantmanager makes the resident's personal link on its page (and copies it from the field)."""
    page.goto(f"/zaken/{case_id}/inwonerlink")
    expect(page.get_by_role("heading", name="Persoonlijke link voor de inwoner")).to_be_visible()
    url = page.get_by_label("Link").input_value()
    assert re.search(r"/inwoner/[\w.-]+$", url), url
    return url


def test_a_case_from_melding_to_beschikking(page, new_page):
    today = date.today()
    seen, problems = set(), []

    def check_once(kind, on=page):
        if kind not in seen:
            seen.add(kind)
            check_page(on, kind, problems)

    # The klantmanager registers the melding at the front desk.
    login(page, "klantmanager")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Nieuwe melding").click()
    expect(page.get_by_role("heading", name="Nieuwe melding")).to_be_visible()
    check_once("new melding form")
    form = page.locator("form#formulier")
    veld(form, "Kanaal").select_option(label="Telefonisch")
    veld(form, "BSN").fill("999900018")
    veld(form, "Naam").first.fill(NAAM)  # the resident's; the vertegenwoordiger's is in its own fieldset
    veld(form, "Geboortedatum").fill("1944-02-29")
    adres = form.get_by_role("group", name=re.compile("^Adres"))
    veld(adres, "Straat").fill("Kerkpad")
    veld(adres, "Huisnummer").fill("3a")
    veld(adres, "Postcode").fill("1234 AB")
    veld(adres, "Woonplaats").fill("Ergenshuizen")
    veld(form, "Hulpvraag").fill("Traplopen lukt niet meer; ik zoek hulp in huis.")
    page.get_by_role("button", name="Melding registreren").click()
    expect(page.get_by_role("status")).to_contain_text("Melding geregistreerd: zaak")
    case_id = int(re.search(r"/zaken/(\d+)", page.url).group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Zaak {case_id}: {NAAM}")
    wait_for_diagram(page)
    check_once("dossier")

    # The resident hands in a persoonlijk plan through the personal link, while the gesprek is planned.
    link = resident_link(page, case_id)
    check_once("resident link page")
    resident = new_page()
    resident.goto(link)
    expect(resident.get_by_role("heading", name="Uw aanvraag voor hulp")).to_be_visible()
    resident.get_by_label("Uw plan").fill("Ik wil zelf blijven koken. Mijn dochter doet de boodschappen.")
    resident.get_by_role("button", name="Plan inleveren").click()
    expect(resident.get_by_role("status")).to_have_text("Dank u. Wij hebben uw persoonlijk plan ontvangen.")
    check_once("resident page", resident)

    # The klantmanager plans the gesprek, holds it and writes the verslag.
    open_task(page, case_id, "Gesprek plannen")
    planned = page.url
    check_once("task form")
    kies(page, "Is een gesprek nodig?", "Ja")
    veld(page, "Datum gesprek").fill((today + timedelta(days=3)).isoformat())
    veld(page, "Tijd").fill("10:30")
    veld(page, "Vorm").select_option(label="Bij de inwoner thuis")
    afronden(page)

    open_task(page, case_id, "Gesprek voeren")
    expect(page.get_by_role("region", name="Persoonlijk plan")).to_contain_text("Mijn dochter doet de boodschappen.")
    veld(page, "Identiteit vastgesteld").select_option(label="Met een geldig identiteitsbewijs")
    veld(page, "Behoefte van de inwoner").fill("Hulp bij het schoonhouden van het huis.")
    page.get_by_role("button", name="Opslaan als concept").click()  # a concept keeps what was typed
    expect(page.get_by_role("status")).to_have_text("Concept opgeslagen.")
    expect(veld(page, "Behoefte van de inwoner")).to_have_value("Hulp bij het schoonhouden van het huis.")
    veld(page, "Gewenst effect").fill("Een schoon en veilig huis.")
    kies(page, "Het persoonlijk plan is besproken", "Ja")
    kies(page, "De mogelijkheid van een pgb en de gevolgen zijn uitgelegd", "Ja")
    veld(page, "Leveringsvorm").select_option(label="Zorg in natura")
    veld(page, "Soort hulp").select_option(label="Hulp bij het huishouden")
    afronden(page)

    open_task(page, case_id, "Verslag opstellen")
    veld(page, "Uitkomst van het onderzoek").fill("Mevrouw kan het huis niet meer zelf schoonhouden.")
    veld(page, "Voorstel").fill(VOORSTEL)
    veld(page, "Omvang").fill("3 uur per week")
    afronden(page)

    # The dossier now offers the link for signing; the resident reads and signs the verslag.
    page.goto(f"/zaken/{case_id}")
    expect(page.get_by_role("link", name=re.compile("Persoonlijke link voor de inwoner"))).to_be_visible()
    resident.goto(link)
    verslag = resident.get_by_role("region", name="Het verslag van uw gesprek")
    expect(verslag).to_contain_text("Mevrouw kan het huis niet meer zelf schoonhouden.")
    expect(verslag).to_contain_text(VOORSTEL)
    assert resident.locator("main b, main script").count() == 0, "HTML in the verslag became elements"
    resident.get_by_label("Ja, ik ben het eens met het verslag").check()
    resident.get_by_label("Ja, ik vraag de hulp aan").check()
    resident.get_by_role("button", name="Verslag ondertekenen").click()
    expect(resident.get_by_role("status")).to_have_text("Dank u. Wij hebben uw ondertekende verslag ontvangen.")
    expect(resident.get_by_role("button", name="Verslag ondertekenen")).to_have_count(0)

    # The klantmanager assesses the aanvraag.
    open_task(page, case_id, "Aanvraag beoordelen")
    for label, text in (("1. Hulpvraag", "Schoonhouden van het huis."), ("2. Problemen en beperkingen", "Kan niet traplopen."),
                        ("3. Welke hulp en hoeveel is nodig", "3 uur per week."),
                        ("4. Eigen kracht, gebruikelijke hulp, netwerk, algemene voorzieningen", "Dochter doet boodschappen."),
                        ("5. Welke aanvullende hulp is nodig", "Hulp bij het huishouden.")):
        veld(page, label).fill(text)
    for vraag in ("Woont in de gemeente", "Verblijft rechtmatig in Nederland"):
        kies(page, vraag, "Ja")
    for vraag in ("Heeft recht op zorg uit de Wlz", "Eigen kracht, gebruikelijke hulp, mantelzorg of netwerk is voldoende",
                  "Een algemene voorziening is voldoende", "Een voorliggende voorziening (bv. Zvw) biedt de hulp",
                  "De voorziening is algemeen gebruikelijk", "De kosten zijn al gemaakt",
                  "Inwoner of partner is jonger dan de AOW-leeftijd",
                  "Het huishouden betaalt al een Wlz- of beschermd-wonenbijdrage",
                  "Valt onder de gemeentelijke regeling lage inkomens"):
        kies(page, vraag, "Nee")
    afronden(page)
    logout(page)

    # The beslisser finds the besluit in the inbox and takes it.
    login(page, "beslisser")
    page.get_by_role("row").filter(has_text=NAAM).get_by_role("link", name="Besluit nemen").click()
    expect(page.get_by_role("heading", level=1, name="Besluit nemen")).to_be_visible()
    veld(page, "Besluit").select_option(label="Toekennen")
    veld(page, "Leveringsvorm").select_option(label="Zorg in natura")
    veld(page, "Soort hulp").select_option(label="Hulp bij het huishouden")
    veld(page, "Voorziening").fill("Hulp bij het huishouden")
    veld(page, "Omvang").fill("3 uur per week")
    veld(page, "Ingangsdatum").fill((today + timedelta(days=7)).isoformat())
    veld(page, "Einddatum").fill((today + timedelta(days=372)).isoformat())
    veld(page, "Motivering").fill("Mevrouw kan het huis niet zelf schoonhouden; het netwerk kan dat niet overnemen.")
    afronden(page)

    # The dossier shows the besluit in its timeline and the diagram with the path taken.
    page.goto(f"/zaken/{case_id}")
    tijdlijn = page.get_by_role("region", name="Tijdlijn")
    besluit = tijdlijn.get_by_role("listitem").filter(has_text="Besluit nemen")
    expect(besluit).to_have_count(1)
    besluit.get_by_text(re.compile("Gewijzigde gegevens")).click()
    wijzigingen = besluit.get_by_role("group")
    expect(wijzigingen.get_by_role("term").filter(has_text="Besluit")).to_have_count(1)
    expect(wijzigingen).to_contain_text(re.compile("toekennen", re.I))
    expect(wijzigingen.get_by_role("term").filter(has_text=re.compile("^Beschikking$"))).to_be_visible()
    expect(wijzigingen).to_contain_text(f"Hulp bij het huishouden")
    for step in ("Melding", "Gesprek plannen", "Gesprek voeren", "Verslag opstellen", "Verslag ondertekenen",
                 "Aanvraag beoordelen"):
        expect(tijdlijn.get_by_role("listitem").filter(has_text=step).first).to_be_visible()
    expect(page.get_by_role("region", name="Open taken").get_by_role("link", name="Besluit nemen")).to_have_count(0)
    wait_for_diagram(page)
    assert page.locator("#diagram-canvas .djs-element.dossier-gedaan").count() > 0, "no completed elements marked"
    check_page(page, "dossier after the besluit", problems)

    # A completed task shows what was answered, and can no longer be changed.
    logout(page)
    login(page, "klantmanager")
    page.goto(planned)
    expect(page.get_by_role("status").filter(has_text="Deze taak is afgerond op")).to_contain_text("door klantmanager")
    expect(page.get_by_role("button", name="Taak afronden")).to_have_count(0)
    check_page(page, "completed task", problems)
    logout(page)

    # The teamleider reads in the access log who saw this resident's data, the refused included.
    login(page, "teamleider")
    page.goto(f"/zaken/{case_id}")
    page.get_by_role("link", name="Inzagelogboek van deze zaak").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Inzagelogboek van zaak {case_id}")
    log = page.get_by_role("table")
    for who in ("klantmanager", "beslisser", "inwoner"):
        expect(log.get_by_role("cell", name=who, exact=True).first).to_be_visible()
    check_page(page, "access log", problems)
    assert not problems, "pages of the route failed their checks:\n" + "\n".join(problems)
