"""Moving running cases to a newer version: the service (one transaction per case) and the pages."""
from datetime import date

import pytest
from sqlalchemy import select

from app import processes
from app.auth.service import Actor
from app.cases import dossier, migration, waits
from app.db import db
from app.demo import event, task, walk
from app.errors import Forbidden, InvalidInput
from app.models import AuditEvent, Case, Task

from .conftest import ONDERZOEK, csrf, login, new_case, onderzoek, renamed

OWNER = Actor("pb", frozenset({"procesbeheerder"}))
PLANNEN = task("gesprek_plannen", gesprek_nodig=True, gesprek_datum="2026-11-12", gesprek_vorm="huisbezoek")


def deploy(settings, version, **changed):
    """Deploy ``version``'s files with some files replaced, as a new version."""
    files = {n: t.encode() for n, t in version.files.items()}
    files.update({n: t.encode() for n, t in changed.items()})
    new = processes.deploy(settings.gemeente_config(), files, "pb")
    db.session.commit()
    return new


def renamed_id(xml: str, old: str, new: str) -> str:
    """The file with an element id changed everywhere (a user task keeps its form's file name)."""
    return xml.replace(old, new).replace(f"{new}.json", f"{old}.json")


def snapshot(case_id):
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    rows = db.session.scalars(select(Task).where(Task.case_id == case_id).order_by(Task.id))
    return case.process_version_id, case.version, case.state, [(t.id, t.title, t.closed_at) for t in rows]


def open_task(case_id):
    return db.session.scalar(select(Task).where(Task.case_id == case_id, Task.closed_at.is_(None)))


def test_a_label_change_moves_the_case_and_it_goes_on_in_the_new_version(settings, version_1):
    case_id = new_case(settings)
    before = open_task(case_id)
    version_2 = deploy(settings, version_1, **{ONDERZOEK: renamed(onderzoek(version_1))})

    report = migration.migrate_cases(settings, "base", version_1.id, version_2.id, OWNER)

    assert report.done and [c.case_id for c in report.moved] == [case_id] and report.refused == []
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert case.process_version_id == version_2.id and case.status == "lopend"
    task_row = open_task(case_id)
    assert (task_row.id, task_row.name, task_row.title) == (before.id, "gesprek_plannen", "Gesprek inplannen")
    entry = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id)).all()[-1]
    assert (entry.kind, entry.actor, entry.process_hash) == ("migratie", "pb", version_2.hash)
    assert entry.name == f"{version_1.hash[:12]} → {version_2.hash[:12]}"
    timeline = dossier.dossier(settings, case_id, Actor("km", frozenset({"klantmanager"})))["tijdlijn"]
    assert any(e["kind"] == "migratie" and e["what"].startswith("Verplaatst naar een nieuwere procesversie")
               for e in timeline)
    # The next task is completed on the new version.
    walk(settings, case_id, [PLANNEN], date(2026, 11, 3))
    last = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id)).all()[-1]
    assert (last.kind, last.name, last.process_hash) == ("taak", "gesprek_plannen", version_2.hash)


def test_a_case_whose_current_task_is_gone_stays_as_it_was_with_the_reason(settings, version_1):
    case_id = new_case(settings)
    before = snapshot(case_id)
    version_2 = deploy(settings, version_1, **{ONDERZOEK: renamed_id(onderzoek(version_1), "gesprek_plannen", "gesprek_inplannen")})

    dry = migration.plan_migration(settings, "base", version_1.id, version_2.id, OWNER)
    report = migration.migrate_cases(settings, "base", version_1.id, version_2.id, OWNER)

    for found in (dry, report):
        [outcome] = found.cases
        assert not outcome.can_move and not outcome.moved and "gesprek_plannen" in outcome.current
        assert [(r["process_id"], r["element"]) for r in outcome.reasons] == [("wmo_onderzoek", "gesprek_plannen")]
        assert "ontbreekt in de nieuwe versie" in outcome.reasons[0]["reason"]
    assert snapshot(case_id) == before
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "migratie")).all()


def test_only_the_cases_that_can_move_move(settings, version_1):
    at_task, waiting = new_case(settings, 0), new_case(settings, 1)
    walk(settings, waiting, [PLANNEN], date(2026, 11, 3))  # now waits at wacht_op_plan (the plan, or its term)
    before = snapshot(waiting)
    version_2 = deploy(settings, version_1, **{ONDERZOEK: renamed_id(onderzoek(version_1), '"wacht_op_plan"', '"wacht_op_het_plan"')})

    report = migration.migrate_cases(settings, "base", version_1.id, version_2.id, OWNER)

    assert [c.case_id for c in report.moved] == [at_task]
    [refused] = report.refused
    assert refused.case_id == waiting and [r["element"] for r in refused.reasons] == ["wacht_op_plan"]
    assert snapshot(waiting) == before
    # The case that stayed goes on as before, on its own version.
    walk(settings, waiting, [event("persoonlijk_plan_ontvangen", ontvangen_op="2026-11-05")], date(2026, 11, 5))
    assert db.session.get(Case, waiting).process_version_id == version_1.id


def test_a_failure_while_storing_one_case_leaves_it_untouched_and_moves_the_others(settings, version_1, monkeypatch):
    first, second = new_case(settings, 0), new_case(settings, 1)
    before = snapshot(second)
    version_2 = deploy(settings, version_1, **{ONDERZOEK: renamed(onderzoek(version_1))})
    real = waits.rebuild_waits

    def failing(case, workflow):
        real(case, workflow)
        if case.id == second:
            raise RuntimeError("schijf vol")

    monkeypatch.setattr(waits, "rebuild_waits", failing)
    report = migration.migrate_cases(settings, "base", version_1.id, version_2.id, OWNER)

    assert [c.case_id for c in report.moved] == [first]
    [refused] = report.refused
    assert refused.case_id == second and "schijf vol" in refused.reasons[0]["reason"]
    assert snapshot(second) == before
    assert db.session.get(Case, first).process_version_id == version_2.id


def test_only_a_newer_version_of_the_same_gemeente_is_a_target(settings, version_1):
    version_2 = deploy(settings, version_1, **{ONDERZOEK: renamed(onderzoek(version_1))})
    with pytest.raises(InvalidInput):
        migration.plan_migration(settings, "base", version_2.id, version_1.id, OWNER)
    with pytest.raises(InvalidInput):
        migration.migrate_cases(settings, "base", version_1.id, version_1.id, OWNER)


@pytest.mark.parametrize("role", ["klantmanager", "beslisser", "teamleider"])
def test_other_roles_may_not_move_cases(settings, version_1, role):
    case_id = new_case(settings)
    before = snapshot(case_id)
    version_2 = deploy(settings, version_1, **{ONDERZOEK: renamed(onderzoek(version_1))})
    actor = Actor("iemand", frozenset({role}))
    with pytest.raises(Forbidden):
        migration.plan_migration(settings, "base", version_1.id, version_2.id, actor)
    with pytest.raises(Forbidden):
        migration.migrate_cases(settings, "base", version_1.id, version_2.id, actor)
    assert snapshot(case_id) == before


def test_the_pages_dry_run_then_confirm(client, users, settings, version_1):
    case_id = new_case(settings)
    version_2 = deploy(settings, version_1, **{ONDERZOEK: renamed(onderzoek(version_1))})
    login(client, "pb")
    base = f"/processen/base/versies/{version_1.id}/verplaatsen"

    choose = client.get(base)
    assert choose.status_code == 200 and f'<option value="{version_2.id}"' in choose.data.decode()
    version_page = client.get(f"/processen/base/versies/{version_1.id}").data.decode()
    assert base in version_page and f"/processen/base/versies/{version_1.id}/zaken" in version_page

    dry = client.get(f"{base}?naar={version_2.id}")
    page = dry.data.decode()
    assert dry.status_code == 200 and "Proefrun" in page and "er is nog niets veranderd" in page
    assert f'data-zaak="{case_id}" class="kan"' in page and "<code>gesprek_plannen</code>" in page
    assert db.session.get(Case, case_id).process_version_id == version_1.id

    assert client.post(base, data={"naar": version_2.id}).status_code == 400  # no CSRF token
    assert db.session.get(Case, case_id).process_version_id == version_1.id
    done = client.post(base, data={"naar": version_2.id, "csrf_token": csrf(dry.data)})
    page = done.data.decode()
    assert done.status_code == 200 and "1 zaak verplaatst, 0 niet" in page
    db.session.expire_all()
    assert db.session.get(Case, case_id).process_version_id == version_2.id


def test_the_page_shows_why_a_case_cannot_move(client, users, settings, version_1):
    case_id = new_case(settings)
    version_2 = deploy(settings, version_1, **{ONDERZOEK: renamed_id(onderzoek(version_1), "gesprek_plannen", "gesprek_inplannen")})
    login(client, "pb")
    page = client.get(f"/processen/base/versies/{version_1.id}/verplaatsen?naar={version_2.id}").data.decode()
    assert f'data-zaak="{case_id}" class="kan-niet"' in page
    assert "ontbreekt in de nieuwe versie" in page and 'id="bevestig"' not in page
    assert "J. de Vries" not in page and db.session.get(Case, case_id).bsn not in page  # no resident data


@pytest.mark.parametrize("name", ["km", "bes", "tl"])
def test_the_pages_refuse_other_roles(client, users, settings, version_1, name):
    case_id = new_case(settings)
    version_2 = deploy(settings, version_1, **{ONDERZOEK: renamed(onderzoek(version_1))})
    login(client, name)
    base = f"/processen/base/versies/{version_1.id}/verplaatsen"
    assert client.get(base).status_code == 403
    assert client.get(f"{base}?naar={version_2.id}").status_code == 403
    token = csrf(client.get("/werkvoorraad").data)
    assert client.post(base, data={"naar": version_2.id, "csrf_token": token}).status_code == 403
    assert db.session.get(Case, case_id).process_version_id == version_1.id
