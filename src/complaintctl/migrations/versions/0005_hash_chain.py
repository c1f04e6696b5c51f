"""hash chain: every history entry hashed over its content and the entry before it

Revision ID: 0005
Revises: 0004
"""

import json

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("history_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.create_table(
        "chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # Chain the history already in the register, oldest first (the algorithm as of this revision).
    from complaintctl.chain import GENESIS, entry_hash

    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, complaint_id, at, recorded_at, actor, action, changes, reason FROM history_entry ORDER BY id")
    ).all()
    last, updates = GENESIS, []
    for row in rows:
        digest = entry_hash(
            last,
            complaint_id=row.complaint_id,
            at=row.at,
            recorded_at=row.recorded_at,
            actor=row.actor,
            action=row.action,
            changes=json.loads(row.changes),
            reason=row.reason,
        )
        updates.append({"i": row.id, "p": last, "h": digest})
        last = digest
    if updates:
        bind.execute(sa.text("UPDATE history_entry SET prev_hash = :p, hash = :h WHERE id = :i"), updates)
    bind.execute(sa.text("INSERT INTO chain_head (id, last_hash, entries) VALUES (1, :h, :n)"), {"h": last, "n": len(rows)})


def downgrade() -> None:
    op.drop_table("chain_head")
    with op.batch_alter_table("history_entry", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
