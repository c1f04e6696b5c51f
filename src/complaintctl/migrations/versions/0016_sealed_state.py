"""the chain covers everything that carries the register's meaning: each complaint's
state (row, deadlines, contact log, declared fields, attachments) sealed into its last
entry; personal and free-text values salted with the complaint's own nonce; audit events
moved into the chained history; attachments

The whole history is chained again (its hashes change; what it says does not), and an
entry records the head it had before.

Revision ID: 0016
Revises: 0015
"""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

UNSEALED = sa.text("hash IS NULL")


def upgrade() -> None:
    op.add_column("complaint", sa.Column("nonce", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
    op.add_column("history_entry", sa.Column("state", sa.Text(), nullable=True))
    op.add_column("history_entry", sa.Column("login", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.create_index("ix_history_unsealed", "history_entry", ["id"], sqlite_where=UNSEALED, postgresql_where=UNSEALED)
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("added_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaint.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_attachment_complaint", "attachment", ["complaint_id", "id"])
    op.create_index("ix_attachment_sha256", "attachment", ["sha256"])
    op.create_table(
        "attachment_blob",
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )

    from complaintctl.dbapi import Register
    from complaintctl.sealing import rechain, seal

    bind = op.get_bind()
    # Audit events become entries of the chained history, in their order, at their times.
    events = bind.execute(sa.text("SELECT at, actor, action, details FROM register_event ORDER BY id")).all()
    for at, actor, action, details in events:
        bind.execute(
            sa.text(
                "INSERT INTO history_entry (complaint_id, at, recorded_at, actor, action, changes)"
                " VALUES (NULL, :at, :at, :actor, :action, :changes)"
            ),
            {"at": at, "actor": actor, "action": action, "changes": details},
        )
    bind.execute(sa.text("DELETE FROM register_event"))
    register = Register(bind.connection.driver_connection, bind.dialect.name)
    before, entries = rechain(register)
    if entries:
        now = datetime.now(UTC)
        register.execute(
            "history_entry_insert",
            complaint_id=None,
            at=now,
            recorded_at=now,
            actor="complaintctl",
            action="chain_resealed",
            changes=json.dumps({"previous_head": before, "previous_entries": entries}, sort_keys=True),
            reason=None,
            prev_hash=None,
            hash=None,
            state=None,
            login=None,
        )
        seal(register)


def downgrade() -> None:
    op.drop_table("attachment_blob")
    op.drop_index("ix_attachment_sha256", table_name="attachment")
    op.drop_index("ix_attachment_complaint", table_name="attachment")
    op.drop_table("attachment")
    op.drop_index("ix_history_unsealed", table_name="history_entry")
    with op.batch_alter_table("history_entry") as batch:
        batch.drop_column("login")
        batch.drop_column("state")
    with op.batch_alter_table("complaint") as batch:
        batch.drop_column("nonce")
