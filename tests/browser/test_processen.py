"""The process owner's workbench: only the procesbeheerder reaches it, and it passes the same page checks."""
from playwright.sync_api import expect

from .conftest import check_page, login


def open_processes(page):
    login(page, "procesbeheerder")  # lands on the processes: a procesbeheerder has no inbox
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Processen").click()
    expect(page.get_by_role("heading", level=1, name="Processen")).to_be_visible()


def test_the_procesbeheerder_reaches_the_processes_from_the_menu(page):
    open_processes(page)
    expect(page.get_by_role("table").first.get_by_role("rowheader", name="versie 1")).to_be_visible()
    check_page(page, "processes overview")


def test_a_caseworker_cannot_open_the_processes(page):
    page.problems.allow(403)
    login(page, "klantmanager")
    expect(page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Processen")).to_have_count(0)
    page.goto("/processen")
    expect(page.get_by_role("heading", name="Dat lukte niet")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("procesdefinities beheren")
