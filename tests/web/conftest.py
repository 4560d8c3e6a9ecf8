"""Shared fixtures for the web pages: one logged-in-able user per role."""
import pytest

from app.auth.service import add_user, set_password

STAFF = (("km", ["klantmanager"]), ("km2", ["klantmanager"]), ("pgb", ["pgb-consulent"]), ("bes", ["beslisser"]),
         ("tl", ["teamleider"]), ("pb", ["procesbeheerder"]))


@pytest.fixture
def staff(app):
    """Users km, km2, pgb, bes, tl, pb; each logs in with the password ``<name>-wachtwoord-1``."""
    for name, roles in STAFF:
        add_user(name, roles)
        set_password(name, f"{name}-wachtwoord-1")
