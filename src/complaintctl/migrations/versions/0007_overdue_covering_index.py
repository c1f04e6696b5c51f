"""overdue check: the open-deadline index carries every deadline column the check reads,
so SQLite answers from the index without visiting each deadline row (3,000 due items at
100,000 complaints: the query 12.4 -> 8.7 ms)

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OPEN = sa.text("state = 'open'")


def upgrade() -> None:
    op.drop_index("ix_deadline_open_due", table_name="deadline")
    op.create_index(
        "ix_deadline_open_due",
        "deadline",
        ["due_at", "complaint_id", "milestone", "provisional", "breach_recorded", "state"],
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade() -> None:
    op.drop_index("ix_deadline_open_due", table_name="deadline")
    op.create_index("ix_deadline_open_due", "deadline", ["due_at"], sqlite_where=OPEN, postgresql_where=OPEN)
