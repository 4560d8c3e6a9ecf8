"""The OpenAPI document fuzzed with schemathesis against the app in-process (WSGI): with and without a token.

Every answer must be documented for its operation, never a 5xx, and every error in the one shape
{"error": text, "fields": {field: reason}}. Derandomized with a bounded number of examples, so CI repeats the same run.
"""
from urllib.parse import unquote

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from werkzeug.exceptions import HTTPException

from app.api.openapi import document

from ..api.test_routes import new_case, open_task

# PostgreSQL, the production database, is the stricter one: it refuses a NUL byte in text, an id beyond 4 bytes.
ON_POSTGRESQL = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
FUZZ = settings(max_examples=30, derandomize=True, database=None, deadline=None,
                suppress_health_check=list(HealthCheck))


schema = schemathesis.openapi.from_dict(document())


@pytest.fixture
def api(app, tokens):
    """The app, with a case and its open task in the database for the fuzzer to meet."""
    client = app.test_client()
    case_id = new_case(client, tokens)
    open_task(client, tokens, case_id, "gesprek_plannen")
    return app


# Valid by the document is not always acceptable: a BSN must pass the elfproef, a date may not lie ahead.
NOT_CHECKED = [positive_data_acceptance]


def on_app(case, app):
    """Send this case, and the checks' own follow-up requests, to ``app`` over WSGI."""
    case.operation.app = case.operation.schema.app = app


def routed(app, case) -> bool:
    """Whether the request reaches a handler: its method, and a path some route matches (else 404/405 come first)."""
    try:
        app.url_map.bind("localhost").match(unquote(case.formatted_path), case.method.upper())
    except HTTPException:
        return False
    return True


def assert_documented_error(response):
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error", "fields"}, body
        assert isinstance(body["error"], str) and body["error"], body
        assert isinstance(body["fields"], dict) and all(isinstance(v, str) for v in body["fields"].values()), body


@schema.parametrize()
@ON_POSTGRESQL
@FUZZ
def test_with_a_token(case, api, tokens):
    on_app(case, api)
    response = case.call_and_validate(headers={"Authorization": f"Bearer {tokens['klantmanager']}"},
                                      excluded_checks=NOT_CHECKED)
    assert_documented_error(response)


@schema.parametrize()
@ON_POSTGRESQL
@FUZZ
def test_without_a_token(case, api):
    on_app(case, api)
    response = case.call_and_validate(excluded_checks=NOT_CHECKED)
    assert_documented_error(response)
    if routed(api, case):
        assert response.status_code == 401
