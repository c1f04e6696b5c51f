"""Writing checked rows from a spreadsheet into the register, all in one transaction.

Bulk by design: a 100,000-row register goes in through multi-row INSERTs of plain
dicts (an ORM object costs ~90 us), with the rule engine's decisions and deadlines
computed in Python beforehand. The complaints go in through the ORM's bulk INSERT with
`render_nulls` (without it SQLAlchemy splits the batch wherever the keys holding None
change); their history and deadlines through Core, one executemany each. A row whose complaint number (or, without one, whose
content) is already in the register is skipped, or updated with `update`.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right, insort
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlmodel import Session, col

from .. import fields
from .. import rules as policy_rules
from ..dbapi import over_session
from ..domain import Origin, Satisfaction, Status, Urgency
from ..i18n import N_
from ..importing import ImportRow
from ..inputs import format_no
from ..models import Complaint, ComplaintField, Deadline, HistoryEntry, YearCounter
from ..reasons import label, term
from ..rules import Policy, RepeatCounts
from ..sealing import new_nonce
from .common import apply, chain_rows, plain, record

_OUR_NUMBER = re.compile(r"^TS-(\d{4})-(\d{1,6})$")
CHUNK = 500

# What the history entry of an imported complaint records: every chained field it has.
IMPORTED_FIELDS = fields.CHAINED


@dataclass
class ImportResult:
    imported: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": len(self.imported),
            "updated": len(self.updated),
            "skipped": len(self.skipped),
            "numbers": self.imported,
        }


def _received_of_customers(session: Session, contacts: set[str]) -> dict[str, list[datetime]]:
    """Contact → receipt times (sorted) of that customer's complaints in the register."""
    found: dict[str, list[datetime]] = defaultdict(list)
    keys = sorted(contacts)
    for start in range(0, len(keys), CHUNK):
        for contact, received in session.execute(
            select(col(Complaint.contact), col(Complaint.received_at)).where(
                col(Complaint.contact).in_(keys[start : start + CHUNK])
            )
        ):
            found[contact].append(received)
    for times in found.values():
        times.sort()
    return found


def _received_about_people(session: Session) -> dict[str, list[datetime]]:
    """Name → receipt times (sorted) of the register's complaints naming that person in 涉及人员."""
    found: dict[str, list[datetime]] = defaultdict(list)
    rows = session.execute(
        select(col(ComplaintField.value), col(Complaint.received_at))
        .join(Complaint, col(Complaint.id) == col(ComplaintField.complaint_id))
        .where(col(ComplaintField.key) == policy_rules.PEOPLE_FIELD)
    )
    for value, received in rows:
        for name in policy_rules.people(value):
            found[name].append(received)
    for times in found.values():
        times.sort()
    return found


def _existing(session: Session, column: Any, keys: list[str]) -> dict[str, Complaint]:
    found: dict[str, Complaint] = {}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        for complaint in session.execute(select(Complaint).where(column.in_(chunk))).scalars():
            found[getattr(complaint, column.key)] = complaint
    return found


def import_complaints(
    session: Session,
    rows: list[ImportRow],
    *,
    source: str,
    update_existing: bool,
    now: datetime,
    actor: str,
    policy: Policy,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Register the rows; every new one gets the rules' category, severity, priority and
    deadlines where the sheet has none, and a history entry saying where it came from."""
    result = ImportResult()
    by_no = _existing(session, col(Complaint.no), [r.values["no"] for r in rows if r.values.get("no")])
    by_key = _existing(session, col(Complaint.source_key), [r.source_key for r in rows])

    fresh: list[ImportRow] = []
    seen: set[str] = set()
    for row in rows:
        existing = by_no.get(row.values.get("no") or "") or by_key.get(row.source_key)
        duplicate_in_file = row.source_key in seen
        seen.add(row.source_key)
        if existing is not None:
            if update_existing:
                _update(session, existing, row, source=source, now=now, actor=actor)
                result.updated.append(existing.no)
            else:
                result.skipped.append(existing.no)
        elif duplicate_in_file:
            result.skipped.append(f"{row.sheet}:{row.row}")
        else:
            fresh.append(row)
    if not fresh:
        return result

    # Numbers: ours (TS-YYYY-NNNN) are kept; others get the next numbers of their year, in order received.
    fresh.sort(key=lambda r: r.values["received_at"])
    kept: dict[int, int] = defaultdict(int)
    needing: dict[int, int] = defaultdict(int)
    numbered: list[tuple[ImportRow, int, int]] = []
    for row in fresh:
        match = _OUR_NUMBER.match(str(row.values.get("no") or ""))
        if match:
            year, seq = int(match[1]), int(match[2])
            kept[year] = max(kept[year], seq)
            numbered.append((row, year, seq))
        else:
            year = row.values["received_at"].astimezone(policy.tz).year
            needing[year] += 1
            numbered.append((row, year, 0))
    next_seq: dict[int, int] = {}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]
    for year in sorted(set(kept) | set(needing)):
        session.execute(upsert(YearCounter).values(year=year, last_seq=0).on_conflict_do_nothing(index_elements=["year"]))
        last = session.execute(
            select(col(YearCounter.last_seq)).where(col(YearCounter.year) == year).with_for_update()
        ).scalar_one()
        start = max(int(last), kept.get(year, 0))
        next_seq[year] = start + 1
        session.execute(update(YearCounter).where(col(YearCounter.year) == year).values(last_seq=start + needing.get(year, 0)))

    # Decisions, then the rows, a chunk at a time: only one chunk's complaints, history and
    # deadlines are in memory beside the checked file. A customer's complaints already in the
    # register and earlier in the file count as repeats, as they would for `log`.
    contacts = {str(r.values["contact"]) for r, _, _ in numbered if r.values.get("contact")}
    received_of_customer = _received_of_customers(session, contacts)
    about_person = _received_about_people(session) if policy.rules.repeat.get("person") else defaultdict(list)
    for start in range(0, len(numbered), CHUNK):
        plans: list[tuple[ImportRow, dict[str, Any]]] = []
        for row, year, seq in numbered[start : start + CHUNK]:
            if not seq:
                seq = next_seq[year]
                next_seq[year] += 1
            earlier = received_of_customer[row.values.get("contact") or ""]
            names = policy_rules.people(row.values.get(f"field.{policy_rules.PEOPLE_FIELD}"))
            for name in names:
                insort(about_person[name], row.values["received_at"])
            plans.append(
                (
                    row,
                    _complaint_values(
                        row,
                        year,
                        seq,
                        earlier,
                        {n: about_person[n] for n in names},
                        source=source,
                        now=now,
                        actor=actor,
                        policy=policy,
                    ),
                )
            )
            insort(earlier, row.values["received_at"])
        history_rows: list[dict[str, Any]] = []
        deadline_rows: list[dict[str, Any]] = []
        later: list[dict[str, Any]] = []
        field_rows: list[dict[str, Any]] = []
        steps = [replay(record_values, row.values, policy) for row, record_values in plans]
        ids = dict(
            (no, cid)
            for cid, no in session.execute(
                insert(Complaint)
                .execution_options(render_nulls=True)
                .returning(col(Complaint.id), col(Complaint.no), sort_by_parameter_order=True),
                [values for _, values in plans],
            )
        )
        for (row, record_values), (deadlines, entries) in zip(plans, steps):
            cid = ids[record_values["no"]]
            changes = {k: [None, plain(record_values[k])] for k in IMPORTED_FIELDS}
            for key, value in row.values.items():
                if key.startswith("field."):  # a field the office's rules declare
                    changes[key] = [None, value]
                    field_rows.append({"complaint_id": cid, "key": key[6:], "value": value})
            changes["source"] = [None, f"{source}:{row.sheet}:{row.row}"]
            if row.values.get("no") and row.values["no"] != record_values["no"]:
                changes["source_no"] = [None, row.values["no"]]
            history_rows.append(
                {
                    "complaint_id": cid,
                    "at": record_values["received_at"],
                    "recorded_at": now,
                    "actor": actor,
                    "action": "imported",
                    "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True),
                    "reason": None,
                }
            )
            for deadline in deadlines:
                deadline["complaint_id"] = cid
            deadline_rows.extend(deadlines)
            later.extend(
                {
                    "complaint_id": cid,
                    "at": at,
                    "recorded_at": now,
                    "actor": actor,
                    "action": action,
                    "changes": json.dumps(entry_changes, ensure_ascii=False, sort_keys=True),
                    "reason": reason,
                }
                for action, at, entry_changes, reason in entries
            )
        history_rows.extend(later)
        chain_rows(over_session(session), history_rows)
        # Core inserts of the tables: one executemany each, without the ORM's per-row bookkeeping.
        session.execute(insert(HistoryEntry.__table__), history_rows)  # type: ignore[attr-defined]
        if deadline_rows:
            session.execute(insert(Deadline.__table__), deadline_rows)  # type: ignore[attr-defined]
        if field_rows:
            session.execute(insert(ComplaintField.__table__), field_rows)  # type: ignore[attr-defined]
        result.imported.extend(values["no"] for _, values in plans)
        if progress:
            progress(len(plans))
    return result


def _complaint_values(
    row: ImportRow,
    year: int,
    seq: int,
    earlier_of_customer: list[datetime],
    about_people: dict[str, list[datetime]],
    *,
    source: str,
    now: datetime,
    actor: str,
    policy: Policy,
) -> dict[str, Any]:
    """The complaint row of one checked sheet row, with the rules' decisions where the sheet
    has none (and why, in `explanation`). `earlier_of_customer` holds the receipt times of
    this customer's complaints already in the register or earlier in the file."""
    values = row.values
    received = values["received_at"]
    text = "\n".join(str(values[k]) for k in ("subject", "content", "demand") if values.get(k))
    notes: dict[str, Any] = {}
    imported_from = term(N_("imported from {source}"), source=source)
    category = values.get("category")
    if category:
        notes["category"] = {"value": category, "source": "manual", "terms": [imported_from]}
    else:
        decision = policy_rules.suggest_category(text, policy.rules)
        category = decision.value
        notes["category"] = {"value": category, "source": "auto", "terms": list(decision.terms)}
    contact = values.get("contact") or ""
    repeats = RepeatCounts()
    repeat = policy.rules.repeat.get("customer")
    if repeat is not None and contact:
        # The window and the count `log` uses (common.repeat_counts): this one and the
        # customer's complaints received within the window before it.
        since = policy_rules.window_start(received, repeat.window, calendar=policy.calendar, tz=policy.tz)
        repeats = RepeatCounts(customer=bisect_right(earlier_of_customer, received) - bisect_left(earlier_of_customer, since) + 1)
    person = policy.rules.repeat.get("person")
    if person is not None and about_people:
        # common.repeat_counts: complaints about the person named most often, this one included.
        since = policy_rules.window_start(received, person.window, calendar=policy.calendar, tz=policy.tz)
        counted = {n: bisect_right(t, received) - bisect_left(t, since) for n, t in about_people.items()}
        best = max(about_people, key=lambda n: counted[n])
        repeats = RepeatCounts(customer=repeats.customer, person=counted[best], person_name=best)
    origin = values.get("origin") or Origin.ROUTINE.value
    severity = values.get("severity")
    if severity:
        notes["severity"] = {"value": severity, "source": "manual", "terms": [imported_from]}
    else:
        decision = policy_rules.severity_for(category=category, text=text, origin=origin, repeats=repeats, rules=policy.rules)
        severity = decision.value
        notes["severity"] = {"value": severity, "source": "auto", "terms": list(decision.terms)}
    urgency_decision = policy_rules.urgency_for(text, policy.rules)
    notes["urgency"] = {"value": urgency_decision.value, "source": "auto", "terms": list(urgency_decision.terms)}
    priority = values.get("priority")
    if priority:
        notes["priority"] = {"value": priority, "source": "manual", "terms": [imported_from]}
    else:
        decision = policy_rules.priority_for(severity, urgency_decision.value or Urgency.NORMAL.value, policy.rules)
        priority = decision.value
        notes["priority"] = {"value": priority, "source": "auto", "terms": list(decision.terms)}
    resolved_by = values.get("assignee") or values.get("followup_by") or actor
    # Every column; the sheet's values; the rules' decisions. The lifecycle fields (status,
    # the steps' times) are left for replay().
    record: dict[str, Any] = {f.name: None for f in fields.FIELDS if f.name != "id"}
    record.update({k: v for k, v in values.items() if k in record and k not in _REPLAYED})
    record.update(
        no=format_no(year, seq),
        year=year,
        seq=seq,
        received_date=received.astimezone(policy.tz).date(),
        channel=values.get("channel") or "other",
        contact=contact,
        receiver=values.get("receiver") or actor,
        unit=values.get("unit") or policy.rules.unit_of_department(values.get("department")),
        category=category,
        origin=origin,
        severity=severity,
        urgency=urgency_decision.value,
        priority=priority,
        explanation=json.dumps(notes, ensure_ascii=False, sort_keys=True),
        status=Status.RECEIVED.value,
        final_decision=False,
        reopen_count=0,
        escalation_level=0,
        source_key=row.source_key,
        nonce=new_nonce(),
        created_at=now,
        updated_at=now,
        _resolved_by=resolved_by,
    )
    return record


# What replay() sets from the row's steps rather than taking from its cells.
_REPLAYED = ("status", "first_response_at", "resolved_at", "resolved_by", "feedback_at", "closed_at", "reopen_count")

# The order of steps recorded at the same instant, as a clerk types them.
_CONTACT, _RESOLVE, _OUTCOME, _FOLLOWUP, _CLOSE = range(5)


def steps_of(values: dict[str, Any]) -> list[tuple[datetime, int]]:
    """The steps after `log` (and `assign`, at receipt) a sheet row records, in the order
    they happened: first contact, resolution, outcome contact, follow-up visit, closing."""
    steps: list[tuple[datetime, int]] = []
    # A step the sheet records without its time is taken at the last time before it
    # (importing.load warns how many rows do so).
    known = values.get("first_response_at") or values["received_at"]
    if values.get("first_response_at"):
        steps.append((values["first_response_at"], _CONTACT))
    resolved = (
        values.get("resolved_at") or values.get("followup_at") or (values.get("closed_at") if values.get("solution") else None)
    )
    if resolved is None and (
        values.get("solution")
        or values.get("satisfaction")
        or values.get("status") in (Status.RESOLVED.value, Status.CLOSED.value)
    ):
        resolved = known
    if resolved is not None:
        steps.append((resolved, _RESOLVE))
    if values.get("feedback_at"):
        steps.append((values["feedback_at"], _OUTCOME))
    if values.get("satisfaction"):
        steps.append((values.get("followup_at") or values.get("closed_at") or resolved or values["received_at"], _FOLLOWUP))
    if values.get("status") == Status.CLOSED.value or values.get("closed_at"):
        steps.append((values.get("closed_at") or resolved or values["received_at"], _CLOSE))
    return sorted(steps)


def replay(
    record_values: dict[str, Any], sheet: dict[str, Any], policy: Policy
) -> tuple[list[dict[str, Any]], list[tuple[str, datetime, dict[str, Any], str | None]]]:
    """Play the row's steps the way `log`, `assign`, `contact`, `resolve`, `followup` and
    `close` would have, had each been typed at its time (tests/test_import_parity.py holds
    the two equal). Sets the case's lifecycle fields in `record_values`; returns its
    deadlines and the history entries of its misses (breached, missed)."""
    case = record_values
    deadlines: list[dict[str, Any]] = []
    entries: list[tuple[str, datetime, dict[str, Any], str | None]] = []

    def start(key: str, at: datetime) -> None:
        due = policy_rules.start_clock(key, at, case["category"], case["severity"], policy)
        if due is not None:
            deadlines.append(
                {
                    "milestone": key,
                    "started_at": at,
                    "due_at": due.due_at,
                    "met_at": None,
                    "missed_at": None,
                    "state": "open",
                    "provisional": due.provisional,
                    "breach_recorded": False,
                    "rule": due.rule,
                    "explanation": due.explanation,
                    "extended": False,
                    "paused_seconds": 0.0,
                }
            )

    def step_entry(action: str, at: datetime, changes: dict[str, Any] | None = None, reason: str | None = None) -> None:
        # The step's own history entry, dated when it happened, so that the figures that
        # count events in a period (resolutions, visits, reopenings) count imported ones.
        # Field values stay with the `imported` entry (verify replays them from there).
        entries.append((action, at, {**(changes or {}), "imported_step": [None, True]}, reason))

    def who() -> dict[str, Any]:
        return {"department": [None, case["department"]], "assignee": [None, case["assignee"]]}

    text = "\n".join(part for part in (case.get("subject"), case.get("content"), case.get("demand")) if part)

    def fire(events: tuple[str, ...], at: datetime) -> None:  # common.fire + record_breach
        stopped = {m.key for m in policy.rules.milestones if set(m.stop) & set(events)}
        open_ones = [d for d in deadlines if d["state"] == "open" and d["milestone"] in stopped]
        if any(e.startswith("contacted") for e in events):
            open_ones = sorted(open_ones, key=lambda d: d["started_at"])[:1]
        for deadline in open_ones:
            met(deadline, at)
        running = {d["milestone"] for d in deadlines if d["state"] == "open"}
        for milestone in policy.rules.milestones:
            if not set(milestone.start) & set(events) or milestone.key in running:
                continue
            if milestone.conditional and not policy_rules.applies(
                milestone, category=case["category"], severity=case["severity"], text=text, rules=policy.rules
            ):
                continue
            start(milestone.key, at)

    def met(deadline: dict[str, Any], at: datetime) -> None:
        milestone = deadline["milestone"]
        deadline.update(state="met", met_at=at)
        if at > deadline["due_at"] and not deadline["breach_recorded"]:
            deadline["breach_recorded"] = True
            entries.append(
                (
                    "breached",
                    deadline["due_at"],
                    {"milestone": [None, milestone], "due_at": [None, plain(deadline["due_at"])], **who()},
                    None,
                )
            )

    every = tuple(m.key for m in policy.rules.milestones)
    round_bound = tuple(m.key for m in policy.rules.milestones if {"resolved", "reopened", "escalated"} & set(m.start))

    def end_open(at: datetime, milestones: tuple[str, ...] = every, cannot_be_met: tuple[str, ...] = ()) -> None:
        # common.end_open_deadlines
        for deadline in deadlines:
            if deadline["state"] != "open" or deadline["milestone"] not in milestones:
                continue
            passed = deadline["due_at"] < at
            if not passed and deadline["milestone"] not in cannot_be_met:
                deadline["state"] = "void"
                continue
            deadline.update(state="missed", missed_at=deadline["due_at"] if passed else at, breach_recorded=True)
            entries.append(
                (
                    "missed",
                    deadline["missed_at"],
                    {"milestone": [None, deadline["milestone"]], "due_at": [None, plain(deadline["due_at"])], **who()},
                    label(N_("passed before the case moved on") if passed else N_("the case moved on before it was met")),
                )
            )

    received = case["received_at"]
    fire(("received",), received)  # log
    if case["department"] or case["assignee"]:  # assign, at receipt: the sheet keeps no other time
        case["status"] = Status.ASSIGNED.value
        fire(("assigned",), received)
    for at, step in steps_of(sheet):
        if case["status"] == Status.CLOSED.value:
            break
        if step in (_CONTACT, _OUTCOME):  # contact: the first is the first response
            if case["first_response_at"] is None:
                case["first_response_at"] = at
            elif case["status"] == Status.RESOLVED.value and case["feedback_at"] is None:
                case["feedback_at"] = at
            fire(("contacted",), at)
        elif step == _RESOLVE and case["status"] != Status.RESOLVED.value:
            case.update(status=Status.RESOLVED.value, resolved_at=at, resolved_by=case["_resolved_by"])
            step_entry("resolved", at)
            fire(("resolved", *(("step:action",) if case["corrective_action"] else ())), at)
        elif step == _FOLLOWUP and case["status"] == Status.RESOLVED.value:
            case["followup_at"] = at
            step_entry("followed_up", at, {"satisfaction": [None, case["satisfaction"]]})
            fire(("followed_up",), at)
            if case["satisfaction"] != Satisfaction.D.value:
                fire(("closed",), at)
                end_open(at, cannot_be_met=every)
                case.update(status=Status.CLOSED.value, closed_at=at)
                step_entry("closed", at)
            else:  # the first D reopens the case: the resolution clock starts again
                end_open(at, round_bound, round_bound)
                case.update(status=Status.ASSIGNED.value, reopen_count=1, resolved_at=None, feedback_at=None)
                step_entry("reopened", at, reason=label(N_("客户不满意 (D)")))
                fire(("reopened",), at)
        elif step == _CLOSE:
            fire(("closed",), at)
            end_open(at)
            case.update(status=Status.CLOSED.value, closed_at=at)
            step_entry("closed", at)
    del case["_resolved_by"]
    return deadlines, entries


def _update(session: Session, complaint: Complaint, row: ImportRow, *, source: str, now: datetime, actor: str) -> None:
    """Bring an existing complaint in line with the sheet's non-empty cells, recorded."""
    values = {k: v for k, v in row.values.items() if k in IMPORTED_FIELDS and v is not None and k != "received_at"}
    changes: dict[str, Any] = apply(complaint, **values)
    if changes:
        changes["source"] = [None, f"{source}:{row.sheet}:{row.row}"]
        record(
            over_session(session),
            complaint,
            "imported",
            changes,
            at=now,
            now=now,
            actor=actor,
            reason=label(N_("updated from a spreadsheet")),
        )
