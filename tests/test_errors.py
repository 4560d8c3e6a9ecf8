"""Errors the database raises: a collision of two steps is a 409 to try again, a lost database a 503."""
import psycopg
import pytest
from sqlalchemy.exc import OperationalError


def _raising(app, orig):
    def step():
        raise OperationalError("UPDATE wmo_case SET version=...", {}, orig)

    app.add_url_rule("/api/v1/_botsing", "botsing", step, methods=["POST"])
    app.add_url_rule("/_botsing", "botsing_page", step, methods=["GET"])


@pytest.mark.parametrize("orig", [psycopg.errors.DeadlockDetected("deadlock detected"),
                                  psycopg.errors.SerializationFailure("could not serialize access")])
def test_two_colliding_steps_tell_the_loser_to_try_again_not_that_the_database_is_away(sqlite_app, orig):
    _raising(sqlite_app, orig)
    client = sqlite_app.test_client()
    response = client.post("/api/v1/_botsing")
    assert response.status_code == 409
    assert response.get_json() == {"error": "Iemand anders wijzigde deze zaak op hetzelfde moment. Er is niets "
                                            "opgeslagen; probeer het opnieuw.", "fields": {}}
    page = client.get("/_botsing", headers={"Accept": "text/html"})
    assert page.status_code == 409 and "probeer het opnieuw" in page.get_data(as_text=True)
    assert "Retry-After" not in response.headers


def test_a_lost_connection_is_still_a_503(sqlite_app):
    _raising(sqlite_app, psycopg.OperationalError("server closed the connection unexpectedly"))
    response = sqlite_app.test_client().post("/api/v1/_botsing")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "niet bereikbaar" in response.get_json()["error"]
