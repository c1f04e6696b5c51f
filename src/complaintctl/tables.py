"""The columns the reports read, as plain SQLAlchemy Core names.

models.py is the schema. Building its ORM classes costs ~22 ms at every start, which a
report (typed as often as `task summary`) need not pay to name the columns it groups by;
these lightweight tables name them instead, with the same types so that times and dates
are bound and read as the ORM would. tests/test_storage.py holds them to models.py.
"""

from typing import Any

from sqlalchemy import Boolean, Date, Integer, String, column, table
from sqlmodel.sql.sqltypes import UTCDateTime

from . import fields

_instant = UTCDateTime()

_TYPES: dict[str, Any] = {
    "time": _instant,
    "date": Date(),
    "count": Integer(),
    "money": Integer(),
    "link": Integer(),
    "flag": Boolean(),
}

# Every column of the complaint, from the field registry.
complaint = table("complaint", *(column(f.name, _TYPES.get(f.kind) or String()) for f in fields.FIELDS))

deadline = table(
    "deadline",
    column("complaint_id", Integer),
    column("milestone", String),
    column("due_at", _instant),
    column("met_at", _instant),
    column("state", String),
    column("provisional", Boolean),
    column("missed_at", _instant),
)

history_entry = table(
    "history_entry",
    column("id", Integer),
    column("complaint_id", Integer),
    column("at", _instant),
    column("recorded_at", _instant),
    column("action", String),
    column("changes", String),
)

alert = table(
    "alert",
    column("id", Integer),
    column("at", _instant),
    column("kind", String),
    column("subject", String),
    column("count", Integer),
    column("window", String),
    column("complaint_id", Integer),
)

chain_head = table(
    "chain_head",
    column("entries", Integer),
    column("last_hash", String),
)
