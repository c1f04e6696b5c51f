"""Database roles on a PostgreSQL register: the database itself enforces what each of the
office's roles may read and write, whatever tool a person connects with.

Each role of the office rules (ruleset.ROLES) becomes a group role without login,
`<prefix><role>`; each person of the office rules whose login exists on the server is
made a member of their roles' group roles. Everyone reads; the writing roles add rows
and may only seal history entries (their hash columns), never rewrite what an entry says;
only the manager may erase (forget) and install rules; the auditor only reads.
Storage: SQL run on the register's connection.
"""

from __future__ import annotations

from typing import Any

from .ruleset import ROLES, Rules

WRITERS = ("clerk", "handler", "leader", "manager")
# Tables the writing roles add rows to and change (the complaint's own rows and the
# bookkeeping of numbers, alerts, kept figures and the chain's head).
WRITTEN = (
    "complaint",
    "contact_entry",
    "deadline",
    "complaint_field",
    "alert",
    "year_counter",
    "chain_head",
    "stored_figures",
    "attachment",
    "attachment_blob",
    "report_submission",
)
SEAL_COLUMNS = "prev_hash, hash, state, login"


def statements(rules: Rules, prefix: str, schema: str, existing_logins: set[str]) -> list[str]:
    """The SQL that creates the group roles, grants their rights on the register's tables and
    makes the office's people members."""

    def role(name: str) -> str:
        return f'"{prefix}{name}"'

    out = []
    tables = f'ALL TABLES IN SCHEMA "{schema}"'
    for name in ROLES:
        out.append(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{prefix}{name}') "
            f"THEN CREATE ROLE {role(name)} NOLOGIN; END IF; END $$"
        )
        out.append(f"REVOKE ALL ON {tables} FROM {role(name)}")
        out.append(f'GRANT USAGE ON SCHEMA "{schema}" TO {role(name)}')
        out.append(f"GRANT SELECT ON {tables} TO {role(name)}")
    for name in WRITERS:
        out.append(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {role(name)}')
        for table in WRITTEN:
            out.append(f'GRANT INSERT, UPDATE, DELETE ON "{schema}".{table} TO {role(name)}')
        out.append(f'GRANT INSERT ON "{schema}".history_entry TO {role(name)}')
        out.append(f'GRANT UPDATE ({SEAL_COLUMNS}) ON "{schema}".history_entry TO {role(name)}')
    # forget rewrites what entries say into digests; rules install writes the register's settings
    out.append(f'GRANT UPDATE (changes, reason) ON "{schema}".history_entry TO {role("manager")}')
    out.append(f'GRANT INSERT, UPDATE ON "{schema}".register_setting TO {role("manager")}')
    for person in rules.people:
        if person.login in existing_logins:
            for name in person.roles:
                out.append(f'GRANT {role(name)} TO "{person.login}"')
    return out


def apply(connection: Any, rules: Rules, prefix: str) -> dict[str, Any]:
    """Run the grants on a psycopg connection; what was granted to whom."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
        cursor.execute("SELECT rolname FROM pg_roles WHERE rolcanlogin")
        logins = {row[0] for row in cursor.fetchall()}
        for sql in statements(rules, prefix, schema, logins):
            cursor.execute(sql)
    members = {p.login: list(p.roles) for p in rules.people if p.login in logins}
    missing = [p.login for p in rules.people if p.login not in logins]
    return {"schema": schema, "roles": [f"{prefix}{r}" for r in ROLES], "members": members, "no_login_yet": missing}
