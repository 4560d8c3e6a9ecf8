"""What each role must not see or do, and what a resident's link does not open: refused with a Dutch page."""
import re

from playwright.sync_api import expect

from .conftest import check_page, login


def expect_refusal(page, text):
    expect(page.get_by_role("heading", name="Dat lukte niet")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(text)


def test_a_beslisser_cannot_open_a_klantmanagers_task(page, live_server):
    task = live_server.demo_task("gesprek_voeren")
    page.problems.allow(403)
    login(page, "beslisser")
    page.goto(f"/taken/{task['id']}")
    expect_refusal(page, "uw rol mag de taak 'Gesprek voeren' niet inzien")
    expect(page.get_by_role("button", name="Taak afronden")).to_have_count(0)
    expect(page.get_by_role("textbox")).to_have_count(0)
    check_page(page, "refusal of a task")


def test_a_teamleider_may_read_a_task_but_not_complete_it(page, live_server):
    task = live_server.demo_task("gesprek_voeren")
    login(page, "teamleider")
    page.goto(f"/taken/{task['id']}")
    expect(page.get_by_role("heading", level=1, name="Gesprek voeren")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("U kunt deze taak inzien, maar niet afronden")
    expect(page.get_by_role("button", name="Taak afronden")).to_have_count(0)
    expect(page.get_by_role("button", name="Opslaan als concept")).to_have_count(0)
    check_page(page, "task, read only")


def test_a_procesbeheerder_cannot_open_a_dossier_or_register_a_melding(page, live_server):
    case_id = live_server.demo_task("besluit_nemen")["case_id"]
    page.problems.allow(403)
    login(page, "procesbeheerder")
    page.goto(f"/zaken/{case_id}")
    expect_refusal(page, "het dossier van een zaak inzien")
    expect(page.get_by_text("BSN")).to_have_count(0)
    page.goto("/meldingen/nieuw")
    expect_refusal(page, "een melding registreren")
    expect(page.get_by_role("button", name="Melding registreren")).to_have_count(0)


def test_only_a_klantmanager_makes_a_residents_link(page, live_server):
    case_id = live_server.demo_task("verslag_ondertekenen")["case_id"]
    page.problems.allow(403)
    login(page, "beslisser")
    page.goto(f"/zaken/{case_id}")
    expect(page.get_by_role("heading", level=1, name=re.compile(rf"^Zaak {case_id}:"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Persoonlijke link"))).to_have_count(0)
    page.goto(f"/zaken/{case_id}/inwonerlink")
    expect_refusal(page, "een persoonlijke link voor de inwoner maken")
    expect(page.get_by_label("Link")).to_have_count(0)


def test_only_a_teamleider_sees_the_team(page):
    page.problems.allow(403)
    login(page, "klantmanager")
    expect(page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Team")).to_have_count(0)
    page.goto("/team")
    expect_refusal(page, "het werk van het team bekijken")


def test_pages_need_a_login(page, live_server):
    case_id = live_server.demo_task("besluit_nemen")["case_id"]
    for path in (f"/zaken/{case_id}", "/meldingen/nieuw", "/team", f"/zaken/{case_id}/inwonerlink"):
        page.goto(path)
        expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
        expect(page.get_by_text("BSN")).to_have_count(0)


def resident_link(page, live_server) -> tuple[int, str]:
    case_id = live_server.demo_task("verslag_ondertekenen")["case_id"]
    login(page, "klantmanager")
    page.goto(f"/zaken/{case_id}")
    page.get_by_role("link", name=re.compile("Persoonlijke link voor de inwoner")).click()
    return case_id, page.get_by_label("Link").input_value()


def altered(link: str) -> str:
    """The link with one character of its signature changed (not the last: its low bits may be base64 padding)."""
    i = len(link) - 5
    return link[:i] + ("x" if link[i] != "x" else "y") + link[i + 1:]


def test_a_resident_link_altered_by_one_character_is_refused(page, new_page, live_server):
    case_id, link = resident_link(page, live_server)
    resident = new_page()
    resident.problems.allow(403)
    resident.goto(altered(link))
    expect(resident.get_by_role("heading", name="Dat lukte niet")).to_be_visible()
    expect(resident.get_by_role("alert")).to_have_text("Deze link klopt niet.")
    expect(resident.get_by_text("Vraag uw consulent bij de gemeente om een nieuwe link.")).to_be_visible()
    expect(resident.get_by_text(f"Zaaknummer {case_id}")).to_have_count(0)
    expect(resident.get_by_role("button")).to_have_count(0)
    check_page(resident, "resident refusal")
    resident.goto(link)  # the real link still works
    expect(resident.get_by_text(f"Zaaknummer {case_id}")).to_be_visible()


def test_a_resident_cannot_sign_another_cases_verslag(page, new_page, live_server):
    case_id, link = resident_link(page, live_server)
    other = live_server.new_case("O. Ander")
    [other_task] = live_server.open_tasks(other)
    resident = new_page()
    resident.goto(link)
    form = resident.get_by_role("button", name="Verslag ondertekenen").locator("xpath=ancestor::form")
    # A resident who edits the form's address to aim at a task of another case.
    form.evaluate("(form, id) => { form.action = form.action.replace(/taken\\/[^/]+$/, 'taken/' + id); }",
                  other_task["id"])
    resident.get_by_label("Ja, ik ben het eens met het verslag").check()
    resident.get_by_label("Ja, ik vraag de hulp aan").check()
    resident.problems.allow(403)
    resident.get_by_role("button", name="Verslag ondertekenen").click()
    expect(resident.get_by_role("alert")).to_have_text("Deze taak hoort niet bij uw link.")
    assert [t["name"] for t in live_server.open_tasks(other)] == [other_task["name"]]
    assert "verslag_ondertekenen" in [t["name"] for t in live_server.open_tasks(case_id)]


def test_unknown_pages_answer_in_dutch(page):
    page.problems.allow(404)
    login(page, "klantmanager")
    for path in ("/bestaat-niet", "/taken/00000000-0000-0000-0000-000000000000", "/zaken/999999"):
        page.goto(path)
        expect(page.get_by_role("heading", name="Dat lukte niet")).to_be_visible()
        check_page(page, f"not found: {path}")
