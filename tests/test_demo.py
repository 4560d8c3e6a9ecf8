"""Demo data: on the national route every scenario reaches its step; on a variant the cases stop where its route differs."""
import re

from app.demo import load_demo

from .conftest import ROOT


def test_demo_load_on_a_variant_keeps_going_and_says_where_cases_stopped(tmp_path, monkeypatch):
    from app import create_app, migrate
    from app.config import load_settings

    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text = text.replace('gemeente = "base"', 'gemeente = "almere"', 1)
    text = text.replace('processes = "processes"', f'processes = "{ROOT / "processes"}"', 1)
    text = text.replace('forms = "forms"', f'forms = "{ROOT / "forms"}"', 1)
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'wmo.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("WMO_DATABASE_URL", url)
    app = create_app(load_settings(config))
    with app.app_context():
        lines = load_demo(app.extensions["wmo"])
    cases = [line for line in lines if re.match(r"\s+zaak\s+\d+:", line)]
    assert len(cases) == 20
    assert any("in de route van almere gestopt" in line and "ontvangstbevestiging_versturen" in line for line in cases)
    assert "nieuwe melding" in cases[0] and "gestopt" not in cases[0]
