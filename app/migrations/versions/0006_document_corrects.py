"""A letter may correct an earlier one of its case: ``document.corrects_id`` (issue 6).

The corrected letter stays as it was stored; the correction is a new row that points at it, and
a letter is corrected at most once (a second correction corrects the correction).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch: SQLite cannot add a foreign key to an existing table, so alembic copies it (PostgreSQL alters in place)
    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("corrects_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_document_corrects_id_document"), "document", ["corrects_id"], ["id"])
        batch.create_unique_constraint(op.f("uq_document_corrects_id"), ["corrects_id"])


def downgrade() -> None:
    with op.batch_alter_table("document") as batch:
        batch.drop_constraint(op.f("uq_document_corrects_id"), type_="unique")
        batch.drop_constraint(op.f("fk_document_corrects_id_document"), type_="foreignkey")
        batch.drop_column("corrects_id")
