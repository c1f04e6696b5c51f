"""rule engine: urgency, decision explanations, waiting, deadline rules

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("urgency", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("explanation", sa.Text(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("waiting_since", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.create_index("ix_complaint_contact_date", ["contact", "received_date"], unique=False)
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("explanation", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("extended", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("paused_seconds", sa.Float(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.drop_column("paused_seconds")
        batch_op.drop_column("extended")
        batch_op.drop_column("explanation")
        batch_op.drop_column("rule")
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_index("ix_complaint_contact_date")
        batch_op.drop_column("waiting_since")
        batch_op.drop_column("explanation")
        batch_op.drop_column("urgency")
