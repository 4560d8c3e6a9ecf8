"""Logging in as each role, the inbox "Mijn werkvoorraad", claiming and releasing, logging out: in a real browser."""
import re

import pytest
from playwright.sync_api import expect

from .conftest import check_page, login, logout

# What each role's inbox must show (a task type the demo data always has) and must not show.
INBOX = {
    "klantmanager": (["Gesprek plannen", "Verslag ondertekenen"], ["Besluit nemen", "Pgb-vaardigheid toetsen"]),
    "pgb-consulent": (["Pgb-vaardigheid toetsen"], ["Gesprek plannen", "Besluit nemen"]),
    "beslisser": (["Besluit nemen", "Bezwaar behandelen"], ["Gesprek plannen", "Pgb-vaardigheid toetsen"]),
    "teamleider": (["Beslistermijn bewaken"], ["Pgb-vaardigheid toetsen"]),
}


def task_links(page):
    return page.get_by_role("table").get_by_role("link").filter(has_not_text=re.compile(r"^Zaak \d+$"))


def test_login_page_is_dutch_accessible_and_fits(page):
    page.goto("/werkvoorraad")
    expect(page).to_have_url(re.compile(r"/inloggen\?next=(%2F|/)werkvoorraad"))
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    check_page(page, "login page")


@pytest.mark.parametrize("role", sorted(INBOX))
def test_each_role_sees_its_own_inbox(page, role):
    login(page, role)
    expect(page).to_have_url(re.compile(r"/werkvoorraad$"))
    expect(page.get_by_role("heading", name="Mijn werkvoorraad")).to_be_visible()
    expect(page.get_by_text(f"{role} ({role})")).to_be_visible()
    shown, hidden = INBOX[role]
    # The "Taak" filter lists the kinds of task in the user's lanes; the rows are the first page of them.
    kinds = page.get_by_label("Taak").locator("option").all_inner_texts()
    titles = task_links(page).all_inner_texts()
    assert titles, f"{role} sees no tasks"
    for title in shown:
        assert title in kinds, f"{role} has no '{title}' among {kinds}"
    for title in hidden:
        assert title not in kinds and title not in titles, f"{role} sees tasks '{title}'"
    check_page(page, f"inbox of {role}")


def test_procesbeheerder_lands_on_the_processes_and_gets_a_dutch_refusal_for_an_inbox(page):
    login(page, "procesbeheerder")
    expect(page).to_have_url(re.compile(r"/processen$"))
    expect(page.get_by_role("heading", level=1, name="Processen")).to_be_visible()
    page.problems.allow(403)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn werkvoorraad").click()
    expect(page.get_by_role("heading", name="Dat lukte niet")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("uw rol heeft geen werkvoorraad")
    expect(page.get_by_role("table")).to_have_count(0)
    expect(page.get_by_role("link", name="Nieuwe melding")).to_have_count(0)
    check_page(page, "refusal page")


def test_wrong_password_is_refused_in_dutch(page):
    page.problems.allow(401)
    page.goto("/inloggen")
    page.get_by_label("Gebruikersnaam").fill("klantmanager")
    page.get_by_label("Wachtwoord").fill("niet-het-wachtwoord")
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Gebruikersnaam of wachtwoord klopt niet.")
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    expect(page.get_by_role("button", name="Uitloggen")).to_have_count(0)
    check_page(page, "login page with an error")
    page.goto("/werkvoorraad")
    expect(page).to_have_url(re.compile(r"/inloggen"))


def test_logout_ends_the_session(page):
    login(page, "klantmanager")
    [cookie] = page.context.cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax", cookie  # scripts cannot read the session
    logout(page)
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    page.goto("/werkvoorraad")
    expect(page).to_have_url(re.compile(r"/inloggen\?next="))
    page.go_back()  # the inbox is not served from the cache either (Cache-Control: no-store)
    page.reload()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()


def test_html_in_a_residents_name_is_shown_as_text(page, live_server):
    naam = "<script>alert(1)</script> <b>x</b> Jansen"
    live_server.new_case(naam)
    login(page, "klantmanager")
    page.get_by_label("Taak").select_option(label="Gesprek plannen")
    page.get_by_role("button", name="Filteren").click()
    row = page.get_by_role("row").filter(has_text="Jansen").filter(has_text="<b>x</b>")
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell", name=naam)).to_be_visible()
    assert page.locator("main b").count() == 0, "the resident's <b> became an element"
    assert page.locator("main script").count() == 0, "the resident's <script> became an element"
    # page fixture: a dialog from alert(1) fails the test


def test_claim_and_release_from_the_inbox(page, live_server):
    live_server.new_case("K. Oppakker")
    login(page, "klantmanager")
    page.get_by_label("Taak").select_option(label="Gesprek plannen")
    page.get_by_role("button", name="Filteren").click()
    row = page.get_by_role("row").filter(has_text="K. Oppakker")
    row.get_by_role("button", name="Oppakken").click()
    expect(page.get_by_role("status")).to_have_text("Taak opgepakt.")
    row = page.get_by_role("row").filter(has_text="K. Oppakker")
    expect(row.get_by_role("cell", name="klantmanager", exact=True)).to_be_visible()
    expect(page.get_by_label("Taak")).to_have_value("gesprek_plannen")  # back to the same filtered view
    page.get_by_label("Alleen door mij opgepakt").check()
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_role("row").filter(has_text="K. Oppakker")).to_have_count(1)
    check_page(page, "inbox with a claimed task")
    page.get_by_role("row").filter(has_text="K. Oppakker").get_by_role("button", name="Vrijgeven").click()
    expect(page.get_by_role("status")).to_have_text("Taak vrijgegeven.")
    expect(page.get_by_role("row").filter(has_text="K. Oppakker")).to_have_count(0)  # no longer "mine"
    page.get_by_label("Alleen door mij opgepakt").uncheck()
    page.get_by_role("button", name="Filteren").click()
    row = page.get_by_role("row").filter(has_text="K. Oppakker")
    expect(row.get_by_role("button", name="Oppakken")).to_be_visible()



def test_the_teamleider_gives_a_task_to_a_colleague(page, new_page, live_server):
    case_id = live_server.new_case("T. Toewijzing")
    login(page, "teamleider")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", level=1, name="Werk van het team")).to_be_visible()
    check_page(page, "team view")
    page.get_by_label(f"Toewijzen aan (taak Gesprek plannen, zaak {case_id})").select_option("klantmanager")
    page.get_by_role("row").filter(has_text="T. Toewijzing").get_by_role("button", name="Toewijzen").click()
    expect(page.get_by_role("status")).to_have_text("Taak toegewezen aan klantmanager.")
    expect(page.get_by_label(f"Toewijzen aan (taak Gesprek plannen, zaak {case_id})")).to_have_value("klantmanager")

    colleague = new_page()
    login(colleague, "klantmanager")
    colleague.get_by_label("Alleen door mij opgepakt").check()
    colleague.get_by_role("button", name="Filteren").click()
    row = colleague.get_by_role("row").filter(has_text="T. Toewijzing")
    expect(row.get_by_role("button", name="Vrijgeven")).to_be_visible()


def test_the_inbox_works_on_a_phone(page, live_server):
    from .conftest import PHONE

    live_server.new_case("F. Telefoon")
    page.set_viewport_size(PHONE)
    login(page, "klantmanager")
    page.get_by_label("Taak").select_option(label="Gesprek plannen")
    page.get_by_role("button", name="Filteren").click()
    row = page.get_by_role("row").filter(has_text="F. Telefoon")
    button = row.get_by_role("button", name="Oppakken")
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"the button is off screen: {box}"
    button.click()
    expect(page.get_by_role("status")).to_have_text("Taak opgepakt.")
    page.get_by_role("row").filter(has_text="F. Telefoon").get_by_role("link", name="Gesprek plannen").click()
    expect(page.get_by_role("heading", level=1, name="Gesprek plannen")).to_be_visible()
    afronden = page.get_by_role("button", name="Taak afronden")
    afronden.scroll_into_view_if_needed()
    box = afronden.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"], f"'Taak afronden' is off screen: {box}"
