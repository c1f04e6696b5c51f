"""indexes on when deadlines are due, met and missed: a deadline is decided at one of
those moments, so the period report finds the deadlines decided in its period from
them, instead of reading every deadline of the register (1,000,000 complaints: seconds)

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

COLUMNS = ["due_at", "state", "milestone", "complaint_id", "met_at", "missed_at"]


def upgrade() -> None:
    op.create_index("ix_deadline_due", "deadline", COLUMNS)
    op.create_index("ix_deadline_met", "deadline", ["met_at"])
    op.create_index("ix_deadline_missed", "deadline", ["missed_at"])


def downgrade() -> None:
    op.drop_index("ix_deadline_missed", table_name="deadline")
    op.drop_index("ix_deadline_met", table_name="deadline")
    op.drop_index("ix_deadline_due", table_name="deadline")
