"""Fixtures for the process owner's pages: users per role and a logged-in client."""
import re

import pytest

from app.auth.service import add_user, set_password

STAFF = (("km", ["klantmanager"]), ("bes", ["beslisser"]), ("tl", ["teamleider"]), ("pb", ["procesbeheerder"]))


@pytest.fixture
def users(app):
    """Users km, bes, tl, pb; each logs in with the password ``<name>-wachtwoord-1``."""
    for name, roles in STAFF:
        add_user(name, roles)
        set_password(name, f"{name}-wachtwoord-1")


def csrf(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def login(client, name):
    token = csrf(client.get("/inloggen").data)
    response = client.post("/inloggen", data={"gebruikersnaam": name, "wachtwoord": f"{name}-wachtwoord-1",
                                              "csrf_token": token})
    assert response.status_code == 302
    return client
