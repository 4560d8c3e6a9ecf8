"""Task drafts ("opslaan als concept"), the access log of personal data (AVG), inbox indexes for 100,000 open tasks.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task_draft",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("saved_by", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("saved_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_task_draft_task_id_task")),
        sa.PrimaryKeyConstraint("task_id", name=op.f("pk_task_draft")),
    )
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("what", sa.String(length=200), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["wmo_case.id"], name=op.f("fk_access_log_case_id_wmo_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    op.create_index(op.f("ix_access_log_case_id"), "access_log", ["case_id"])
    op.create_index("ix_task_open_due", "task", ["due", "opened_at", "id"],
                    postgresql_where=sa.text("closed_at IS NULL"), sqlite_where=sa.text("closed_at IS NULL"))
    op.create_index("ix_task_open_claimed", "task", ["closed_at", "claimed_by"])
    op.create_index("ix_task_open_name", "task", ["closed_at", "name", "lane", "due"])
    op.create_index("ix_task_open_signaal", "task", ["closed_at", "signaal", "due"])


def downgrade() -> None:
    op.drop_index("ix_task_open_signaal", table_name="task")
    op.drop_index("ix_task_open_name", table_name="task")
    op.drop_index("ix_task_open_claimed", table_name="task")
    op.drop_index("ix_task_open_due", table_name="task")
    op.drop_index(op.f("ix_access_log_case_id"), table_name="access_log")
    op.drop_table("access_log")
    op.drop_table("task_draft")
