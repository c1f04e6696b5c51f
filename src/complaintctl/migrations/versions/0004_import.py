"""import: the digest of an imported row, so a file imported twice adds nothing twice

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        # A unique index, not a constraint: SQLite would rebuild the whole table for a constraint.
        batch_op.create_index("uq_complaint_source_key", ["source_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_index("uq_complaint_source_key")
        batch_op.drop_column("source_key")
