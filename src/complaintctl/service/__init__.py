"""The use cases: one function each, run inside the caller's single transaction.

Every function takes keyword-only `session`, `now`, `actor` and (where rules apply)
`policy`; it checks that the step fits the state the case is in, calls the pure
rules, writes the row and its history entry, and returns plain data (dicts) that the
CLI renders after the session is closed.

- common.py     shared pieces: Policy, history entries, deadlines, classification
- lifecycle.py  log, classify, assign, contact, resolve, followup, extend, close, wait, resume
- reading.py    show and list
- overdue.py    the cron check and recompute
- audit.py      events about the register as a whole (unmasked exports)
- imports.py    checked spreadsheet rows written in bulk
- verify.py     the hash chain and the current rows against their history
"""

from ..rules import Policy
from .audit import forget_customer, record_export, record_list_unmasked, register_events
from .common import OPEN_STATUSES
from .lifecycle import (
    NewComplaint,
    assign,
    classify,
    close,
    extend,
    log_complaint,
    record_contact,
    record_followup,
    resolve,
    resume,
    wait,
)
from .imports import ImportResult, import_complaints
from .overdue import check_overdue, recompute
from .reading import ListFilter, list_complaints, show
from .verify import verify

__all__ = [
    "OPEN_STATUSES", "Policy", "NewComplaint", "ListFilter", "assign", "check_overdue", "classify", "close",
    "extend", "list_complaints", "log_complaint", "recompute", "record_contact", "record_followup", "resolve",
    "resume", "show", "wait", "record_export", "register_events", "ImportResult", "import_complaints", "verify", "forget_customer", "record_list_unmasked",
]
