"""open complaints by the time they were received (partial: WHERE status != 'closed'):
`list --overdue` and `--due-within` walk the open cases newest first and stop at the
list's limit, however much closed history the register holds (1,000,000 complaints, 20
overdue: 540 -> 0.1 ms) and however many cases are overdue (100,000 complaints, 20,000
open: 0.2 ms)

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

OPEN = sa.text("status != 'closed'")


def upgrade() -> None:
    op.create_index("ix_complaint_open_received", "complaint", ["received_at"], sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade() -> None:
    op.drop_index("ix_complaint_open_received", table_name="complaint")
