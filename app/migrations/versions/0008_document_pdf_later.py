"""A letter's PDF is made after its step: ``document.pdf`` and ``document.sha256`` may be empty for a while (issue 7).

The step stores the letter as HTML (the letter as sent); the timer worker renders its PDF between sweeps, or the
first download does. The partial index finds the letters still without one.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch: SQLite cannot change a column's NOT NULL in place, so alembic copies the table (PostgreSQL alters it)
    with op.batch_alter_table("document") as batch:
        batch.alter_column("pdf", existing_type=sa.LargeBinary(), nullable=True)
        batch.alter_column("sha256", existing_type=sa.String(length=64), nullable=True)
    op.create_index("ix_document_pdf_pending", "document", ["id"], postgresql_where=sa.text("pdf IS NULL"),
                    sqlite_where=sa.text("pdf IS NULL"))


def downgrade() -> None:
    from app.letters.render import render_pdf  # a letter without its PDF gets one now: the columns are required again

    connection = op.get_bind()
    document = sa.table("document", sa.column("id"), sa.column("html"), sa.column("pdf"), sa.column("sha256"))
    for row in connection.execute(sa.select(document.c.id, document.c.html).where(document.c.pdf.is_(None))).all():
        pdf = render_pdf(row.html)
        connection.execute(document.update().where(document.c.id == row.id)
                           .values(pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest()))
    op.drop_index("ix_document_pdf_pending", table_name="document")
    with op.batch_alter_table("document") as batch:
        batch.alter_column("sha256", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("pdf", existing_type=sa.LargeBinary(), nullable=False)
