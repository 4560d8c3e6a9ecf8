"""The inbox reads its pages and filtered counts from indexes alone (issue 7).

``ix_task_open_due`` also carries the columns the inbox filters test (lane, task type, signal, claimed by, case), so
a page's task ids come from an index-only scan instead of one table row per task passed over; the task type and signal
indexes become partial (open tasks only) and lead with what they filter on, so their capped counts read only the
index. With 100,000 open tasks a filtered page cost up to 2.7x what it did with 1,000 on PostgreSQL.

Building the indexes locks the task table against writes for as long as it takes (about 0.1 s per 100,000 tasks).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

OPEN = {"postgresql_where": sa.text("closed_at IS NULL"), "sqlite_where": sa.text("closed_at IS NULL")}


def upgrade() -> None:
    op.drop_index("ix_task_open_signaal", table_name="task")
    op.drop_index("ix_task_open_name", table_name="task")
    op.drop_index("ix_task_open_due", table_name="task")
    op.create_index("ix_task_open_due", "task",
                    ["due", "opened_at", "id", "lane", "name", "signaal", "claimed_by", "case_id"], **OPEN)
    op.create_index("ix_task_open_name", "task", ["name", "lane", "due"], **OPEN)
    op.create_index("ix_task_open_signaal", "task", ["signaal", "lane", "due"], **OPEN)


def downgrade() -> None:
    op.drop_index("ix_task_open_signaal", table_name="task")
    op.drop_index("ix_task_open_name", table_name="task")
    op.drop_index("ix_task_open_due", table_name="task")
    op.create_index("ix_task_open_due", "task", ["due", "opened_at", "id"], **OPEN)
    op.create_index("ix_task_open_name", "task", ["closed_at", "name", "lane", "due"])
    op.create_index("ix_task_open_signaal", "task", ["closed_at", "signaal", "due"])
