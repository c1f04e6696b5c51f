"""The use cases: one function each, run inside the caller's single transaction.

Every function takes the transaction first (a dbapi.Register for the commands staff
type; a SQLAlchemy Session for rare work: import, verify, recompute, forget), then
keyword-only `now`, `actor` and (where rules apply) `policy`; it checks that the step
fits the state the case is in, calls the pure rules, writes the row and its history
entry, and returns plain data (dicts) that the CLI renders after the transaction ends.

- common.py     shared pieces: Policy, history entries, deadlines, classification
- lifecycle.py  log, classify, assign, contact, resolve, followup, extend, close, wait, resume
- reading.py    show and list
- overdue.py    the cron check and recompute
- audit.py      events about the register as a whole (unmasked exports)
- imports.py    checked spreadsheet rows written in bulk
- verify.py     the hash chain and the current rows against their history
- office.py     the office's rules installed in the register
- reporting.py  the reporting calendar: the reports units send up, and those owed
- evidence.py   attachments: evidence kept with a complaint
- procedure.py  the office's named steps: corrective action, plan, approvals, escalation
- notify.py     alerts sent to people through Apprise, each claimed once
"""

from importlib import import_module
from typing import Any

# Each name from the submodule that holds it, imported at first use: a command pays for
# its own use case only (`show` does not import the importer or the verifier).
_HOME = {
    "Policy": "..rules",
    "OPEN_STATUSES": ".common",
    "forget_customer": ".audit",
    "record_export": ".audit",
    "record_list_unmasked": ".audit",
    "record_backup": ".audit",
    "register_events": ".audit",
    "report_reminders": ".reporting",
    "submit_report": ".reporting",
    "record_step": ".procedure",
    "file_action": ".procedure",
    "approve": ".procedure",
    "plan": ".procedure",
    "escalate": ".procedure",
    "NewComplaint": ".lifecycle",
    "assign": ".lifecycle",
    "classify": ".lifecycle",
    "close": ".lifecycle",
    "edit": ".lifecycle",
    "extend": ".lifecycle",
    "log_complaint": ".lifecycle",
    "record_contact": ".lifecycle",
    "record_followup": ".lifecycle",
    "resolve": ".lifecycle",
    "resume": ".lifecycle",
    "wait": ".lifecycle",
    "install_rules": ".office",
    "add_departments": ".office",
    "attach": ".evidence",
    "attachments_of": ".evidence",
    "installed_rules": ".office",
    "ImportResult": ".imports",
    "import_complaints": ".imports",
    "check_overdue": ".overdue",
    "record_overdue": ".overdue",
    "recompute": ".overdue",
    "ListFilter": ".reading",
    "list_complaints": ".reading",
    "show": ".reading",
}
# (verify is imported from service.verify itself: the function shares the module's name.)

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home, __name__), name)
    globals()[name] = value
    return value
