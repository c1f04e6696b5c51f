"""figures of ended report periods, kept so a report of a past month need not read its
history again (1,000,000 complaints: the year-before month alone read ~100,000 history
entries and deadlines at every report)

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("through_entry", sa.Integer(), nullable=False),
        sa.Column("through_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("computed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period", "scope", name="uq_stored_figures_key"),
    )


def downgrade() -> None:
    op.drop_table("stored_figures")
