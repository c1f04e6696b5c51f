"""office rules in the register: an entry of the chained history may be about the register
as a whole (rules installed) rather than one complaint, so its complaint is optional

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("history_entry", schema=None) as batch_op:
        batch_op.alter_column("complaint_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM history_entry WHERE complaint_id IS NULL")
    with op.batch_alter_table("history_entry", schema=None) as batch_op:
        batch_op.alter_column("complaint_id", existing_type=sa.Integer(), nullable=False)
