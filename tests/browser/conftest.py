"""Browser tests: a real `wmo serve` with demo data, driven by Debian's Chromium through Playwright.

One server (own SQLite database, migrated, ``wmo demo load``) and one browser serve the whole session;
every test gets a fresh browser context (no cookies) whose page fails the test on a console error,
an uncaught script error, a CSP violation, a dialog (``alert``), a failed sub-resource or any 5xx.

The tests are skipped only when Chromium is really absent (``make test`` installs it); on CI
(``CI`` set) a missing Chromium is an error, never a skip.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
WMO = Path(sys.executable).parent / "wmo"
CHROMIUM = os.environ.get("WMO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ROLES = ("klantmanager", "pgb-consulent", "beslisser", "teamleider", "procesbeheerder")
# English words that must not show on a Dutch page (whole words, case-sensitive where it matters).
ENGLISH = re.compile(r"\b(Submit|Cancel|Save|Delete|Search|Next|Previous|Login|Logout|Password|Username|Error|"
                     r"Loading|Not Found|Forbidden|Bad Request|Internal Server Error|Please|required property|"
                     r"is not valid|is too (?:long|short)|does not match)\b")


def _chromium_present() -> bool:
    return Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's Chromium through Playwright against a live `wmo serve`")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    absent = not _chromium_present()
    for item in items:
        if here not in Path(str(item.fspath)).parents:
            continue
        item.add_marker(pytest.mark.browser)
        if absent and not os.environ.get("CI"):
            item.add_marker(pytest.mark.skip(reason=f"Chromium is absent ({CHROMIUM}); `make browser` installs Debian's chromium"))


def password(user: str) -> str:
    """The demo password of a demo user."""
    return f"demo-{user}-2026"


class LiveServer:
    """A `wmo serve` subprocess on a free port with its own database, and the demo users' API tokens."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.log_path = workdir / "serve.log"
        self.env = {**os.environ, "WMO_DATABASE_URL": f"sqlite:///{workdir / 'wmo.db'}",
                    "WMO_SECRET_KEY": "browser-tests-secret"}
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.tokens: dict[str, str] = {}
        self.process = None

    def run(self, *args: str) -> str:
        result = subprocess.run([str(WMO), *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"wmo {' '.join(args)} failed:\n{result.stderr}"
        return result.stdout

    def prepare(self) -> None:
        self.run("db", "upgrade")
        output = self.run("demo", "load")
        for line in output.splitlines():
            match = re.match(r"\s+(\S+)\s+wachtwoord \S+\s+API-token (\S+)", line)
            if match:
                self.tokens[match.group(1)] = match.group(2)
        assert set(self.tokens) == set(ROLES), f"demo load gave tokens for {sorted(self.tokens)}"
        self.demo_cases = int(re.search(r"(\d+) demozaken", output).group(1))

    def start(self) -> None:
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([str(WMO), "serve", "--port", str(self.port)], cwd=ROOT, env=self.env,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"wmo serve stopped:\n{self.log_path.read_text()}")
            try:
                urllib.request.urlopen(f"{self.url}/inloggen", timeout=2)
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        raise RuntimeError(f"wmo serve did not answer within 60 s:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
            self.log.close()

    def api(self, method: str, path: str, role: str, body=None):
        """Call the JSON API as a demo user; return (status, body)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method, headers={
            "Authorization": f"Bearer {self.tokens[role]}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def new_case(self, naam: str, hulpvraag: str = "Ik kan niet meer goed douchen.") -> int:
        """Register a melding through the API (for tests whose subject is not the melding form)."""
        from app.demo import MELDING, demo_bsns

        status, body = self.api("POST", "/api/v1/meldingen", "klantmanager",
                                {**MELDING, "bsn": demo_bsns(40)[-1], "naam": naam, "hulpvraag": hulpvraag,
                                 "kanaal": "digitaal"})
        assert status == 201, body
        return body["case_id"]

    def open_tasks(self, case_id: int) -> list[dict]:
        status, body = self.api("GET", f"/api/v1/tasks?case_id={case_id}", "teamleider")
        assert status == 200, body
        return body["tasks"]

    def demo_task(self, name: str) -> dict:
        """An open task named ``name`` of one of the demo cases (made before any test ran)."""
        status, body = self.api("GET", "/api/v1/tasks?limit=500", "teamleider")
        assert status == 200, body
        found = [t for t in body["tasks"] if t["name"] == name and t["case_id"] <= self.demo_cases]
        assert found, f"no demo case has an open task {name}"
        return found[0]

    def case(self, case_id: int) -> dict:
        status, body = self.api("GET", f"/api/v1/cases/{case_id}", "teamleider")
        assert status == 200, body
        return body


@pytest.fixture(scope="session")
def chromium_path():
    if not _chromium_present():
        pytest.fail(f"Chromium is absent ({CHROMIUM}) but CI is set: `make test` must install it (`make browser`)")
    return CHROMIUM


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, chromium_path):
    server = LiveServer(tmp_path_factory.mktemp("browser"))
    server.prepare()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Problems:
    """What went wrong in the page while a test ran; ``allow`` tolerates expected document statuses."""

    def __init__(self):
        self.items: list[str] = []
        self.allowed_statuses: set[int] = set()

    def allow(self, *statuses: int) -> None:
        """Let main-document responses with these statuses pass (a refusal page is a 403 on purpose)."""
        self.allowed_statuses.update(statuses)


def _watched_page(browser, live_server):
    """A page in a fresh context (no cookies) that records every problem in ``page.problems``."""
    context = browser.new_context(base_url=live_server.url, viewport=WIDE, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = Problems()
    page.problems = problems

    def on_console(message):
        # Chromium logs every 4xx/5xx as "Failed to load resource"; those are judged by on_response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.items.append(f"console error: {message.text}")

    def on_response(response):
        status = response.status
        document = response.request.resource_type == "document"
        if status >= 500:
            problems.items.append(f"{status} from {response.request.method} {response.url}")
        elif status >= 400 and not (document and status in problems.allowed_statuses):
            problems.items.append(f"unexpected {status} from {response.request.method} {response.url}")

    def on_dialog(dialog):
        problems.items.append(f"a dialog opened ({dialog.type}: {dialog.message!r}); user input may have run as script")
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.items.append(f"uncaught script error: {error}"))
    page.on("response", on_response)
    page.on("dialog", on_dialog)
    return context, page


@pytest.fixture
def new_page(browser, live_server):
    """Make pages, each in its own fresh context (a second user, a resident); each is watched for problems."""
    made = []

    def make():
        context, page = _watched_page(browser, live_server)
        made.append((context, page))
        return page

    yield make
    found = []
    for context, page in made:
        context.close()
        found.extend(page.problems.items)
    if found:
        report = "the page had problems:\n  " + "\n  ".join(found)
        if any(re.match(r"5\d\d from", item) for item in found):
            tail = live_server.log_path.read_text(errors="replace").splitlines()[-40:]
            report += "\n\nlast lines of the server's log:\n" + "\n".join(tail)
        pytest.fail(report, pytrace=False)


@pytest.fixture
def page(new_page):
    """A fresh, watched page: a console error, CSP violation, dialog, failed resource or 5xx fails the test."""
    return new_page()


def login(page, user: str, secret: str | None = None) -> None:
    """Log in through the login page as a demo user and wait until the login page is left."""
    page.goto("/inloggen")
    page.get_by_label("Gebruikersnaam").fill(user)
    page.get_by_label("Wachtwoord").fill(secret or password(user))
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_url(lambda url: "/inloggen" not in url)


def logout(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/inloggen")


_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + (n.failureSummary || "").replace(/\\s+/g, " "))
  }));
}"""

_OVERFLOW = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const wide = [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().replace(/\\s+/g, ".") : "")
         + " (right " + Math.round(e.getBoundingClientRect().right) + ")");
  return {scrollWidth: document.documentElement.scrollWidth, width, wide};
}"""


def axe(page) -> list[str]:
    """Run axe-core in the page; return its serious and critical violations, one readable line each.

    The script is evaluated through the DevTools protocol, so the page's CSP (no inline scripts) does not block it.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    lines = []
    for violation in page.evaluate(_AXE_RUN):
        lines.append(f"axe {violation['impact']} {violation['id']}: {violation['help']}")
        lines.extend(f"    {node}" for node in violation["nodes"])
    return lines


def check_page(page, what: str, found: list[str] | None = None) -> None:
    """The page is Dutch, passes axe (no serious/critical) and does not overflow, at 1280 px and on a phone.

    With ``found``, the problems are added to that list instead of failing at once (a long walk through
    the pages then reports every page's problems at its end, and still checks the route itself).
    """
    problems = []
    if page.evaluate("() => document.documentElement.lang") != "nl":
        problems.append('<html> has no lang="nl"')
    english = ENGLISH.findall(page.locator("body").inner_text())
    if english:
        problems.append(f"English text on the page: {sorted(set(english))}")
    try:
        for size in (WIDE, PHONE):
            page.set_viewport_size(size)
            label = f"{size['width']}x{size['height']}"
            problems.extend(f"[{label}] {line}" for line in axe(page))
            overflow = page.evaluate(_OVERFLOW)
            if overflow:
                problems.append(f"[{label}] overflows horizontally: scrollWidth {overflow['scrollWidth']} > "
                                f"{overflow['width']}; widest: {', '.join(overflow['wide'])}")
    finally:
        page.set_viewport_size(WIDE)
    report = f"{what} ({page.url}):\n  " + "\n  ".join(problems)
    if found is not None and problems:
        found.append(report)
        return
    assert not problems, report


def veld(scope, label: str):
    """The control labelled ``label`` (a required one's label ends in " (verplicht)")."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}( \(verplicht\))?$"))


def kies(scope, vraag: str, antwoord: str) -> None:
    """Answer a ja/nee question (a fieldset whose legend is ``vraag``) with "Ja" or "Nee"."""
    scope.get_by_role("group", name=re.compile(rf"^{re.escape(vraag)}( \(verplicht\))?$")).get_by_label(
        antwoord, exact=True).check()


def afronden(page) -> None:
    """Complete the task on the task page; back on the inbox with the flash."""
    page.get_by_role("button", name="Taak afronden").click()
    expect(page.get_by_role("status").filter(has_text="Taak afgerond.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/werkvoorraad$"))
