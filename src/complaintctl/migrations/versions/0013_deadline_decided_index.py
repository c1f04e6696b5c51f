"""an index on when deadlines are due, covering what the period report reads of them:
a report finds the deadlines decided in its period from it, instead of reading every
deadline of the register (1,000,000 complaints: seconds)

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


def downgrade() -> None:
    op.drop_index("ix_deadline_due", table_name="deadline")
