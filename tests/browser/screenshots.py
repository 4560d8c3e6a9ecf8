"""Take the README's screenshots (inbox, a task form, the dossier) at 1280 px with the demo data.

    .venv/bin/python -m tests.browser.screenshots [OUTPUT_DIR]   # default docs/screenshots/

Starts its own `wmo serve` on a temporary database, like the browser tests; not collected by pytest.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from .conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, LiveServer, login

SIZE = {"width": 1280, "height": 860}


def take(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp))
        server.prepare()
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                page = browser.new_page(base_url=server.url, viewport=SIZE, locale="nl-NL", device_scale_factor=1)
                login(page, "klantmanager")
                shots = []

                expect(page.get_by_role("heading", name="Mijn werkvoorraad")).to_be_visible()
                shots.append(out / "werkvoorraad.png")
                page.screenshot(path=shots[-1])

                # A form without a date at the top: Debian's chromium without chromium-l10n shows dates as mm/dd/yyyy.
                task = server.demo_task("aanvraag_beoordelen")
                page.goto(f"/taken/{task['id']}")
                expect(page.get_by_role("button", name="Taak afronden")).to_be_visible()
                page.get_by_label("1. Hulpvraag").fill("Mevrouw kan haar huis niet meer schoonhouden sinds haar heupoperatie.")
                page.get_by_label("2. Problemen en beperkingen").fill("Bukken, stofzuigen en de trap op en af lukken niet.")
                shots.append(out / "taak.png")
                page.screenshot(path=shots[-1])

                case_id = server.demo_task("zorgaanbieder_toewijzen")["case_id"]
                page.goto(f"/zaken/{case_id}")
                expect(page.locator("#procesdiagram.geladen")).to_be_visible()
                shots.append(out / "dossier.png")
                figure = page.locator("#procesdiagram").bounding_box()
                page.screenshot(path=shots[-1], full_page=True,
                                clip={"x": 0, "y": 0, "width": SIZE["width"], "height": figure["y"] + figure["height"] + 16})
                browser.close()
        finally:
            server.stop()
    return shots


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    for path in take(target):
        print(path)
