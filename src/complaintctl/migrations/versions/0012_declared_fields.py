"""fields the office declares in its rules (订单号, 保单号, 住址, 来源, 涉及人员 ...): one
table of (complaint, key, value), searchable by key and value

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaint_field",
        sa.Column("complaint_id", sa.Integer(), sa.ForeignKey("complaint.id"), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("complaint_id", "key"),
    )
    op.create_index("ix_complaint_field_key_value", "complaint_field", ["key", "value"])


def downgrade() -> None:
    op.drop_index("ix_complaint_field_key_value", table_name="complaint_field")
    op.drop_table("complaint_field")
