"""config.toml: the gemeente in use, its terms overlaid on the national ones, clear errors."""
import shutil
from datetime import date

import pytest

from app.cases import deadlines
from app.config import ConfigError, load_settings

from .conftest import ROOT


def _copy(tmp_path, extra=""):
    shutil.copytree(ROOT / "processes", tmp_path / "processes")
    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    text = (ROOT / "config.toml").read_text() + extra
    (tmp_path / "config.toml").write_text(text)
    return tmp_path / "config.toml"


def test_a_gemeente_adds_and_overrides_terms(tmp_path):
    path = _copy(tmp_path, """
[gemeenten.zwartewaterland]
naam = "Zwartewaterland"
[gemeenten.zwartewaterland.termijnen.gesprek]
duur = "10 werkdagen"
vanaf = "onderzoek_vanaf"
voldaan = "gesprek_gevoerd_op"
[gemeenten.zwartewaterland.termijnen.ontvangstbevestiging]
duur = "3 werkdagen"
""".replace("zwartewaterland", "testgemeente"))
    (tmp_path / "processes" / "testgemeente").mkdir()
    settings = load_settings(path)
    gemeente = settings.gemeente_config("testgemeente")
    terms = {t.name: t for t in deadlines.compute({"onderzoek_vanaf": "2026-11-02", "ontvangen_op": "2026-11-02"}, gemeente)}
    assert terms["gesprek"].due == date(2026, 11, 16)  # 10 werkdagen from Mon 2 Nov
    assert terms["ontvangstbevestiging"].due == date(2026, 11, 5)
    base = {t.name: t for t in deadlines.compute({"ontvangen_op": "2026-11-02"}, settings.gemeente_config("base"))}
    assert base["ontvangstbevestiging"].due == date(2026, 11, 9) and "gesprek" not in base


def test_unknown_gemeente_and_bad_terms_are_named(tmp_path):
    path = _copy(tmp_path, '\n[termijnen.kapot]\nduur = "twee weken"\nvanaf = "x"\n')
    with pytest.raises(ConfigError, match="twee weken"):
        load_settings(path)
    good = _copy(tmp_path / "b")
    with pytest.raises(ConfigError, match="onbekend"):
        load_settings(good).gemeente_config("onbekend")


def test_a_public_url_must_be_an_address(tmp_path):
    text = (ROOT / "config.toml").read_text(encoding="utf-8").replace('public_url = ""', 'public_url = "wmo.gemeente.nl"')
    path = tmp_path / "config.toml"
    path.write_text(text.replace('processes = "processes"', f'processes = "{ROOT / "processes"}"')
                    .replace('forms = "forms"', f'forms = "{ROOT / "forms"}"'), encoding="utf-8")
    with pytest.raises(ConfigError, match="public_url"):
        load_settings(path)
