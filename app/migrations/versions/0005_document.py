"""The letters the route sends, stored with the case as HTML and PDF (issue 6).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("audit_event_id", sa.Integer(), nullable=False),
        sa.Column("element", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["wmo_case.id"], name=op.f("fk_document_case_id_wmo_case")),
        sa.ForeignKeyConstraint(["audit_event_id"], ["audit_event.id"], name=op.f("fk_document_audit_event_id_audit_event")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
    )
    op.create_index(op.f("ix_document_case_id"), "document", ["case_id"])
    op.create_index(op.f("ix_document_audit_event_id"), "document", ["audit_event_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_document_audit_event_id"), table_name="document")
    op.drop_index(op.f("ix_document_case_id"), table_name="document")
    op.drop_table("document")
