"""The alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import models  # noqa: F401
from app.db import db


def test_migrations_match_the_models(db_url):
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
    finally:
        engine.dispose()


def test_upgrade_is_idempotent(db_url):
    from app import migrate

    migrate.upgrade(db_url)
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(sa.text("select version_num from alembic_version")).scalar() == "0009"
    finally:
        engine.dispose()


def test_0008_keeps_every_letter_and_a_downgrade_renders_the_missing_pdfs(db_url, app):
    import hashlib
    from datetime import date

    from alembic import command

    from app import migrate
    from app.demo import create_case, demo_bsns
    from app.letters import pdfs

    with app.app_context():
        for bsn in demo_bsns(2):
            create_case(app.extensions["wmo"], bsn, date(2026, 11, 2))
        first = db.session.scalar(sa.select(models.Document).order_by(models.Document.id))
        rendered = pdfs.pdf_of(first)  # one letter has its PDF, the other waits for it
        db.session.remove()
        db.engine.dispose()
    engine = sa.create_engine(db_url)
    letters = sa.text("select id, html, pdf, sha256 from document order by id")
    try:
        with engine.connect() as connection:
            before = connection.execute(letters).all()
        assert [row.pdf is None for row in before] == [False, True]

        command.downgrade(migrate.alembic_config(db_url), "0007")  # pdf and sha256 required again: the missing one is made
        with engine.connect() as connection:
            down = connection.execute(letters).all()
        assert [(row.id, row.html) for row in down] == [(row.id, row.html) for row in before]
        assert down[0].pdf == rendered and down[0].sha256 == before[0].sha256  # a stored PDF is kept as it was
        assert down[1].pdf.startswith(b"%PDF") and down[1].sha256 == hashlib.sha256(down[1].pdf).hexdigest()

        migrate.upgrade(db_url)
        with engine.connect() as connection:
            assert connection.execute(letters).all() == down
    finally:
        engine.dispose()
