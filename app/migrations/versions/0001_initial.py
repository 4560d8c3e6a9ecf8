"""The first schema: process versions, cases and their projections, audit trail, users.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "process_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gemeente", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("deployed_at", UTCDateTime(), nullable=False),
        sa.Column("deployed_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_version")),
        sa.UniqueConstraint("gemeente", "hash", name=op.f("uq_process_version_gemeente")),
    )
    op.create_index(op.f("ix_process_version_gemeente"), "process_version", ["gemeente"])
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_app_user_token_hash")),
    )
    op.create_table(
        "wmo_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gemeente", sa.String(length=64), nullable=False),
        sa.Column("process_version_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("bsn", sa.String(length=9), nullable=False),
        sa.Column("naam", sa.String(length=200), nullable=False),
        sa.Column("geboortedatum", sa.Date(), nullable=False),
        sa.Column("adres", sa.JSON(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["process_version_id"], ["process_version.id"],
                                name=op.f("fk_wmo_case_process_version_id_process_version")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wmo_case")),
    )
    op.create_index(op.f("ix_wmo_case_gemeente"), "wmo_case", ["gemeente"])
    op.create_index(op.f("ix_wmo_case_process_version_id"), "wmo_case", ["process_version_id"])
    op.create_index(op.f("ix_wmo_case_status"), "wmo_case", ["status"])
    op.create_index(op.f("ix_wmo_case_bsn"), "wmo_case", ["bsn"])
    op.create_table(
        "task",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("lane", sa.String(length=32), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["wmo_case.id"], name=op.f("fk_task_case_id_wmo_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task")),
    )
    op.create_index(op.f("ix_task_case_id"), "task", ["case_id"])
    op.create_index("ix_task_open_lane_due", "task", ["closed_at", "lane", "due"])
    op.create_table(
        "timer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["wmo_case.id"], name=op.f("fk_timer_case_id_wmo_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timer")),
    )
    op.create_index(op.f("ix_timer_case_id"), "timer", ["case_id"])
    op.create_index(op.f("ix_timer_due_at"), "timer", ["due_at"])
    op.create_table(
        "deadline",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("met_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["wmo_case.id"], name=op.f("fk_deadline_case_id_wmo_case")),
        sa.PrimaryKeyConstraint("case_id", "name", name=op.f("pk_deadline")),
    )
    op.create_index(op.f("ix_deadline_due"), "deadline", ["due"])
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("process_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["wmo_case.id"], name=op.f("fk_audit_event_case_id_wmo_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_index(op.f("ix_audit_event_case_id"), "audit_event", ["case_id"])
    op.create_index(op.f("ix_audit_event_task_id"), "audit_event", ["task_id"])


def downgrade() -> None:
    for table in ("audit_event", "deadline", "timer", "task", "wmo_case", "app_user", "process_version"):
        op.drop_table(table)
