"""Shared fixtures: settings on a fresh database (SQLite, or the PostgreSQL on 127.0.0.1), app, users.

Tests that take the ``db_url`` fixture run twice: once on SQLite, once on PostgreSQL
(database ``test``, a schema of its own per test so runs never see each other's rows).
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app, migrate
from app.auth.service import Actor, add_user
from app.config import load_settings

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("WMO_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, migrated database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'wmo.db'}"
        migrate.upgrade(url)
        yield url
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    migrate.upgrade(url)
    yield url
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path):
    """A fresh, migrated SQLite database (for tests that need one backend only)."""
    url = f"sqlite:///{tmp_path / 'wmo.db'}"
    migrate.upgrade(url)
    return url


def _settings(url, monkeypatch):
    monkeypatch.setenv("WMO_DATABASE_URL", url)
    return load_settings(ROOT / "config.toml")


def _app_on(url, monkeypatch):
    app = create_app(_settings(url, monkeypatch))
    app.config["TESTING"] = True
    with app.app_context():
        yield app
        from app.db import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(db_url, monkeypatch):
    yield from _app_on(db_url, monkeypatch)


@pytest.fixture
def sqlite_app(sqlite_url, monkeypatch):
    yield from _app_on(sqlite_url, monkeypatch)


@pytest.fixture
def settings(app):
    return app.extensions["wmo"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def tokens(app):
    """One API token per role: {"klantmanager": "...", ...}."""
    result = {}
    for role in ("klantmanager", "pgb-consulent", "beslisser", "teamleider", "procesbeheerder"):
        _, token = add_user(role, [role])
        result[role] = token
    return result


@pytest.fixture
def actors():
    """One actor per role, for service-level tests."""
    return {role: Actor(role, frozenset({role})) for role in ("klantmanager", "pgb-consulent", "beslisser", "teamleider")}
