"""Helpers for tests that use the web pages as a user does: the form's CSRF token, logging in."""
import re


def csrf(page: bytes) -> str:
    """The CSRF token of the first form on a page."""
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def login(client, name):
    """Log in as test user ``name`` (password ``<name>-wachtwoord-1``); return the response."""
    token = csrf(client.get("/inloggen").data)
    return client.post("/inloggen", data={"gebruikersnaam": name, "wachtwoord": f"{name}-wachtwoord-1", "csrf_token": token})


def logged_in(client, name):
    """Log in as ``name``, insist that it worked, and return the client."""
    response = login(client, name)
    assert response.status_code == 302
    return client
