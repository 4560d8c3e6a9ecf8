"""Variants: a folder under processes/ and a [gemeenten.<naam>] section, no code.

A variant file replaces the base process or decision with the same id (or the base file of the
same name); the section adds terms, a letterhead and which roles do which lane.
"""
import shutil
from datetime import date

import pytest
from sqlalchemy import select

from app import create_app, processes
from app.auth.service import Actor, add_user
from app.cases import service
from app.config import ConfigError, load_settings
from app.demo import create_case, task, walk
from app.errors import Forbidden, InvalidInput
from app.inbox import service as inbox
from app.models import Task

from .conftest import ROOT

BASE = ROOT / "processes" / "base"


def _install(tmp_path, section: str, folders=()):
    """processes/base (+ ``folders``), forms/base and a config with only base and ``section``."""
    shutil.copytree(BASE, tmp_path / "processes" / "base")
    for folder in folders:
        shutil.copytree(ROOT / "processes" / folder, tmp_path / "processes" / folder)
    shutil.copytree(ROOT / "forms" / "base", tmp_path / "forms" / "base")
    text = (ROOT / "config.toml").read_text()
    text = text[:text.index("\n[gemeenten.") + 1] + '[gemeenten.base]\nnaam = "Landelijk"\n' + section
    (tmp_path / "config.toml").write_text(text)
    return tmp_path / "config.toml"


@pytest.fixture
def app_for(sqlite_url, monkeypatch):
    """Make an app on a fresh SQLite database for the configuration at ``path``."""
    apps = []

    def make(path):
        monkeypatch.setenv("WMO_DATABASE_URL", sqlite_url)
        app = create_app(load_settings(path))
        context = app.app_context()
        context.push()
        apps.append(context)
        return app.extensions["wmo"]

    yield make
    from app.db import db

    db.session.remove()
    for context in apps:
        context.pop()


def test_a_variant_file_replaces_the_base_process_with_the_same_id_whatever_its_name(tmp_path):
    path = _install(tmp_path, '[gemeenten.eiland]\nnaam = "Eiland"\n')
    folder = tmp_path / "processes" / "eiland"
    folder.mkdir()
    (folder / "onderzoek_eiland.bpmn").write_bytes(
        (BASE / "wmo_onderzoek.bpmn").read_bytes().replace(b'name="Gesprek plannen"', b'name="Keukentafelgesprek plannen"'))
    (folder / "wmo_hulp.bpmn").write_bytes((BASE / "wmo_hulp.bpmn").read_bytes())  # same name still replaces
    (folder / "bijdrage.dmn").write_bytes((BASE / "eigen_bijdrage.dmn").read_bytes())  # a decision, by its id
    gemeente = load_settings(path).gemeente_config("eiland")

    files = processes.read_files(gemeente)

    assert "wmo_onderzoek.bpmn" not in files and "eigen_bijdrage.dmn" not in files
    assert {"onderzoek_eiland.bpmn", "wmo_hulp.bpmn", "bijdrage.dmn", "wmo_route.bpmn"} <= set(files)
    assert len(files) == len(list(BASE.iterdir()))
    definition = processes.check(gemeente, files)
    assert definition.user_tasks["gesprek_plannen"].title == "Keukentafelgesprek plannen"
    assert processes.replaced(gemeente) == {"bijdrage.dmn": "eigen_bijdrage.dmn", "onderzoek_eiland.bpmn": "wmo_onderzoek.bpmn",
                                            "wmo_hulp.bpmn": "wmo_hulp.bpmn"}


def test_a_gemeente_maps_a_new_lane_to_a_new_role_and_only_that_role_does_it(tmp_path, app_for):
    path = _install(tmp_path, '[gemeenten.wijkstad]\nnaam = "Wijkstad"\n'
                              '[gemeenten.wijkstad.rollen]\nwijkteam = ["wijkcoach"]\n')
    text = path.read_text().replace('gemeente = "base"', 'gemeente = "wijkstad"')
    path.write_text(text)
    folder = tmp_path / "processes" / "wijkstad"
    folder.mkdir()
    onderzoek = (BASE / "wmo_onderzoek.bpmn").read_text()
    start = onderzoek.index('<bpmn:lane id="Lane_wmo_onderzoek_klantmanager" name="klantmanager">')
    onderzoek = onderzoek[:start] + onderzoek[start:].replace('name="klantmanager"', 'name="wijkteam"', 1)
    (folder / "wmo_onderzoek.bpmn").write_text(onderzoek)
    settings = app_for(path)
    gemeente = settings.gemeente_config()
    assert gemeente.lane_roles["wijkteam"] == {"wijkcoach"} and gemeente.roles[-1] == "wijkcoach"
    assert gemeente.lane_roles["klantmanager"] == {"klantmanager"}  # the national lanes stay

    case_id = create_case(settings, "999990019", date(2026, 11, 2))
    from app.db import db

    open_task = db.session.scalar(select(Task).where(Task.case_id == case_id, Task.closed_at.is_(None)))
    assert open_task.lane == "wijkteam"
    klantmanager = Actor("km", frozenset({"klantmanager"}), lane_roles=gemeente.lane_roles)
    coach = Actor("coach", frozenset({"wijkcoach"}), lane_roles=gemeente.lane_roles)
    with pytest.raises(Forbidden):
        service.complete_task(settings, open_task.id, {"gesprek_nodig": True}, klantmanager)
    assert inbox.lanes_of(coach) == ["wijkteam"]
    assert inbox.inbox(settings, coach, inbox.Filters())["totaal"] == 1
    with pytest.raises(InvalidInput):
        add_user("anna", ["wijkcoach"])  # not a national role ...
    user, _ = add_user("anna", ["wijkcoach"], gemeente.roles)  # ... but one of this gemeente
    assert inbox.eligible("wijkteam", gemeente.lane_roles) == ["anna"]
    walk(settings, case_id, [task("gesprek_plannen", gesprek_nodig=True, gesprek_vorm="huisbezoek")], date(2026, 11, 3))
    assert db.session.scalar(select(Task).where(Task.case_id == case_id, Task.name == "gesprek_plannen")).closed_by == "demo-wijkcoach"


@pytest.mark.parametrize("section,key", [
    ('[gemeenten.x.rollen]\nwijkteam = []\n', "wijkteam"),
    ('[gemeenten.x.rollen]\nwijkteam = ["Wijk Coach"]\n', "wijkteam"),
    ('[gemeenten.x.rollen]\nwijkteam = ["inwoner"]\n', "inwoner"),
    ('[gemeenten.x.briefhoofd]\nnaam = "X"\nfax = "0"\n', "fax"),
    ('[gemeenten.x.briefhoofd]\nnaam = "X"\ne-mail = "geen adres"\n', "e-mail"),
    ('[gemeenten.x.briefhoofd]\nnaam = "X"\nwebsite = "www.x.nl"\n', "website"),
    ('[gemeenten.x.briefhoofd]\nnaam = "X"\ntelefoon = "bel ons"\n', "telefoon"),
    ('[gemeenten.x.briefhoofd]\ntelefoon = "14 038"\n', "naam"),
])
def test_bad_roles_or_letterhead_are_named(tmp_path, section, key):
    path = _install(tmp_path, '[gemeenten.x]\nnaam = "X"\n' + section)
    (tmp_path / "processes" / "x").mkdir()
    with pytest.raises(ConfigError, match=rf"\[gemeenten\.x\.(rollen|briefhoofd)\].*{key}"):
        load_settings(path).gemeente_config("x")


def test_a_letterhead_keeps_what_is_given(tmp_path):
    path = _install(tmp_path, '[gemeenten.x]\nnaam = "X"\n[gemeenten.x.briefhoofd]\nnaam = "Gemeente X"\n'
                              'telefoon = "14 038"\ne-mail = "info@x.nl"\nwebsite = "https://www.x.nl"\n')
    assert load_settings(path).gemeente_config("x").briefhoofd == {
        "naam": "Gemeente X", "telefoon": "14 038", "e-mail": "info@x.nl", "website": "https://www.x.nl"}


def _section(text: str, naam: str) -> str:
    """The lines of [gemeenten.<naam>] and its sub-tables, as a process owner would copy them."""
    lines, inside = [], False
    for line in text.splitlines():
        if line.startswith("["):
            inside = line.startswith(f"[gemeenten.{naam}]") or line.startswith(f"[gemeenten.{naam}.")
        if inside:
            lines.append(line)
    return "\n".join(lines) + "\n"


def test_a_new_gemeente_is_a_copied_folder_and_config_section_with_no_code_change(tmp_path, monkeypatch, sqlite_url):
    for folder in ("processes", "forms"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    text = (ROOT / "config.toml").read_text()
    shutil.copytree(ROOT / "processes" / "zwartewaterland", tmp_path / "processes" / "nieuwdorp")
    shutil.copytree(ROOT / "forms" / "zwartewaterland", tmp_path / "forms" / "nieuwdorp")
    section = _section(text, "zwartewaterland").replace("[gemeenten.zwartewaterland", "[gemeenten.nieuwdorp")
    section = section.replace('naam = "Gemeente Zwartewaterland"', 'naam = "Gemeente Nieuwdorp"')
    text = text.replace('gemeente = "base"', 'gemeente = "nieuwdorp"') + "\n" + section
    (tmp_path / "config.toml").write_text(text)
    monkeypatch.setenv("WMO_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("WMO_DATABASE_URL", sqlite_url)

    settings = load_settings()
    from app import variants

    assert variants.check(settings, "nieuwdorp").problems == []
    with create_app(settings).app_context():
        from app.db import db

        gemeente = settings.gemeente_config()
        assert gemeente.titel == "Gemeente Nieuwdorp" and gemeente.termijnen["gesprek"].duur.aantal == 10
        case_id = create_case(settings, "999990019", date(2026, 11, 2))
        assert service.get_case(case_id).gemeente == "nieuwdorp"
        due = db.session.scalar(select(Task.due).where(Task.case_id == case_id, Task.name == "gesprek_plannen"))
        assert due == date(2026, 11, 16)  # the copied variant's gesprek term, from the copied config
        walk(settings, case_id, [
            task("gesprek_plannen", gesprek_nodig=True, gesprek_vorm="telefonisch", telefonisch_voldoende=True),
            task("gesprek_voeren", leveringsvorm="zin"), task("verslag_opstellen"),
            task("verslag_ondertekenen", akkoord=True, hulp_aanvragen=True), task("aanvraag_beoordelen"),
            task("besluit_nemen", besluit="afwijzen", afwijzingsgrond="Eigen oplossing toereikend.",
                 rechtsgrond="artikel 2.3.5 lid 3 Wmo 2015"),
        ], date(2026, 11, 10))
        case = service.get_case(case_id)
        assert case.data["besluit"] == "afwijzen" and case.data["beschikking_verzonden_op"]
        version = processes.current(gemeente)
        assert version.gemeente == "nieuwdorp" and "melding_en_aanvraag.dmn" in version.files
        db.session.remove()
        db.engine.dispose()
