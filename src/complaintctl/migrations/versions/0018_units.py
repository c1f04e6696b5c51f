"""units: the store (or region) each complaint belongs to, and the reports each unit has
sent up (the reporting calendar of seed 002)

Existing complaints keep no unit: reports take their department's unit from the office
rules in force, else count them as 未指定.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint") as batch:
        batch.add_column(sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.create_index("ix_complaint_unit", "complaint", ["unit"])
    op.create_table(
        "report_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit", "kind", "period", name="uq_report_submission"),
    )


def downgrade() -> None:
    op.drop_table("report_submission")
    op.drop_index("ix_complaint_unit", table_name="complaint")
    with op.batch_alter_table("complaint") as batch:
        batch.drop_column("unit")
