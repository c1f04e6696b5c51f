"""figures and alarms: a milestone counted missed stays missed (late extension, or the
case closed before it could be met); load alerts about a department or person; settings
of the register itself (a demonstration register); history by action and time, for the
figures that count events dated in a period

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.add_column(sa.Column("missed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.create_index("ix_history_action_at", "history_entry", ["action", "at", "complaint_id"])
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("window", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), sa.ForeignKey("complaint.id"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alert_kind_subject_at", "alert", ["kind", "subject", "at"])
    op.create_index("ix_alert_at", "alert", ["at"])
    op.create_table(
        "register_setting",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("register_setting")
    op.drop_index("ix_alert_at", table_name="alert")
    op.drop_index("ix_alert_kind_subject_at", table_name="alert")
    op.drop_table("alert")
    op.drop_index("ix_history_action_at", table_name="history_entry")
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.drop_column("missed_at")
