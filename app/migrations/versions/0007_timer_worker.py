"""Timer workers' heartbeats, for /healthz: one row per worker process (host, pid, last seen).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "timer_worker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timer_worker")),
        sa.UniqueConstraint("host", "pid", name=op.f("uq_timer_worker_host")),
    )
    op.create_index(op.f("ix_timer_worker_last_seen"), "timer_worker", ["last_seen"])


def downgrade() -> None:
    op.drop_index(op.f("ix_timer_worker_last_seen"), table_name="timer_worker")
    op.drop_table("timer_worker")
