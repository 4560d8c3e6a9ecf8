"""Where a case waits besides its user tasks (events, call activities), for the process owner's heatmap.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Running cases get their rows at their next step (or when they are moved to another version).
"""
import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wait",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("process_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.Column("left_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["wmo_case.id"], name=op.f("fk_wait_case_id_wmo_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wait")),
    )
    op.create_index(op.f("ix_wait_case_id"), "wait", ["case_id"])
    op.create_index("ix_wait_open_name", "wait", ["left_at", "name"])


def downgrade() -> None:
    op.drop_index("ix_wait_open_name", table_name="wait")
    op.drop_index(op.f("ix_wait_case_id"), table_name="wait")
    op.drop_table("wait")
