"""Process versions: stored once per content, running cases keep theirs, invalid ones are refused."""
from datetime import date

import pytest
from sqlalchemy import func, select

from app import processes
from app.cases import service
from app.db import db
from app.demo import create_case, task, walk
from app.errors import InvalidInput
from app.models import ProcessVersion


def test_same_content_is_stored_once(settings):
    gemeente = settings.gemeente_config()
    first = processes.deploy_from_disk(gemeente)
    again = processes.deploy_from_disk(gemeente)
    assert first.id == again.id
    assert db.session.scalar(select(func.count()).select_from(ProcessVersion)) == 1


def test_a_new_version_does_not_touch_running_cases(settings):
    gemeente = settings.gemeente_config()
    old_case = create_case(settings, "999990019", date(2026, 11, 2))
    files = processes.read_files(gemeente)
    files["wmo_onderzoek.bpmn"] = files["wmo_onderzoek.bpmn"].replace(b'name="Gesprek plannen"', b'name="Keukentafelgesprek plannen"')
    new_version = processes.deploy(gemeente, files, "procesbeheerder")
    db.session.commit()
    new_case = create_case(settings, "999990020", date(2026, 11, 3))
    assert service.get_case(new_case).process_version_id == new_version.id
    assert service.get_case(old_case).process_version_id != new_version.id
    from app.models import Task

    titles = dict(db.session.execute(select(Task.case_id, Task.title).where(Task.closed_at.is_(None))).all())
    assert titles == {old_case: "Gesprek plannen", new_case: "Keukentafelgesprek plannen"}
    # The old case goes on with its own version.
    walk(settings, old_case, [task("gesprek_plannen", gesprek_nodig=True)], date(2026, 11, 3))
    assert service.get_case(old_case).process_version_id != new_version.id


def test_an_invalid_diagram_is_refused_and_nothing_is_stored(settings):
    gemeente = settings.gemeente_config()
    processes.deploy_from_disk(gemeente)
    db.session.commit()
    files = processes.read_files(gemeente)
    files["wmo_melding.bpmn"] = files["wmo_melding.bpmn"].replace(b"vandaag()", b"().__class__.__base__.__subclasses__()")
    files["wmo_hulp.bpmn"] = files["wmo_hulp.bpmn"].replace(b'name="klantmanager"', 'name="conciërge"'.encode())
    with pytest.raises(InvalidInput) as refused:
        processes.deploy(gemeente, files, "procesbeheerder")
    fields = refused.value.fields
    assert any(key.startswith("wmo_melding.bpmn:ontvangstbevestiging_versturen") for key in fields), fields
    assert any(key.startswith("wmo_hulp.bpmn:") and "conciërge" in reason for key, reason in fields.items()), fields
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ProcessVersion)) == 1
