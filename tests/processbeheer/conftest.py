"""Fixtures for the process owner's pages: users per role, a logged-in client, and changed route files."""
import io
from datetime import date

import pytest

from app import processes
from app.auth.service import add_user, set_password
from app.db import db
from app.demo import create_case, demo_bsns

from ..pages import csrf, logged_in as login  # noqa: F401 (the tests import them from here)

STAFF = (("km", ["klantmanager"]), ("bes", ["beslisser"]), ("tl", ["teamleider"]), ("pb", ["procesbeheerder"]))
ONDERZOEK = "wmo_onderzoek.bpmn"
# A note added to the onderzoek: an element with a shape that changes nothing in how the route runs.
NOTE = ('<bpmn:textAnnotation id="notitie_planning"><bpmn:text>Plan binnen 5 werkdagen.</bpmn:text>'
        '</bpmn:textAnnotation>\n  </bpmn:process>')
NOTE_SHAPE = ('<bpmndi:BPMNShape id="notitie_planning_di" bpmnElement="notitie_planning">'
              '<dc:Bounds x="700" y="400" width="160" height="40" /></bpmndi:BPMNShape>\n    </bpmndi:BPMNPlane>')


@pytest.fixture
def users(app):
    """Users km, bes, tl, pb; each logs in with the password ``<name>-wachtwoord-1``."""
    for name, roles in STAFF:
        add_user(name, roles)
        set_password(name, f"{name}-wachtwoord-1")


@pytest.fixture
def version_1(settings):
    """The route from disk, deployed as the first version."""
    version = processes.deploy_from_disk(settings.gemeente_config())
    db.session.commit()
    return version




def onderzoek(version) -> str:
    return version.files[ONDERZOEK]


def renamed(xml: str, old: str = "Gesprek plannen", new: str = "Gesprek inplannen") -> str:
    assert f'name="{old}"' in xml
    return xml.replace(f'name="{old}"', f'name="{new}"', 1)


def with_note(xml: str) -> str:
    return xml.replace("</bpmn:process>", NOTE, 1).replace("</bpmndi:BPMNPlane>", NOTE_SHAPE, 1)


def upload(client, name: str, content: bytes | str, gemeente: str = "base"):
    """Post a file through the upload form, with the page's CSRF token."""
    token = csrf(client.get(f"/processen/{gemeente}/uploaden").data)
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(f"/processen/{gemeente}/uploaden", data={"csrf_token": token, "bestand": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def new_case(settings, index: int = 0) -> int:
    bsn = demo_bsns(index + 1)[index]
    return create_case(settings, bsn, date(2026, 11, 2))
