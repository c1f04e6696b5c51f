"""The field registry is the one list of a complaint's fields (issue 12): it and the schema
agree, every list of fields is derived from it, and every chained field is checked by verify."""

from __future__ import annotations

import ast
from pathlib import Path

from complaintctl import fields
from conftest import Cli
from test_verify import busy  # noqa: F401  (the fixture is used by name)

SRC = Path(__file__).resolve().parent.parent / "src" / "complaintctl"


def test_the_registry_and_the_schema_name_the_same_columns() -> None:
    from complaintctl import models

    schema = set(models.Complaint.__table__.c.keys())  # type: ignore[attr-defined]
    registry = {f.name for f in fields.FIELDS}
    assert schema - registry == set(), "columns of models.Complaint without a registry entry"
    assert registry - schema == set(), "registry entries without a column in models.Complaint"
    assert len(fields.FIELDS) == len(registry), "a field is registered twice"


def test_every_entry_is_well_formed() -> None:
    for entry in fields.FIELDS:
        assert entry.kind in fields.KINDS, entry
        assert (entry.kind == "choice") == (entry.choice is not None), entry
        assert entry.label, entry
        if entry.personal:
            assert entry.kind in ("text", "long"), entry
    keys = [f.record_key for f in fields.FIELDS]
    assert len(keys) == len(set(keys))


def test_no_module_keeps_its_own_list_of_complaint_columns() -> None:
    """A tuple, list or dict literal naming ten or more complaint columns, outside fields.py
    and models.py, is a second list of fields waiting to drift (the ten lists this replaced
    named 16 to 45; a rule about a few named fields is not one)."""
    columns = {f.name for f in fields.FIELDS} | {f.record_key for f in fields.FIELDS}
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name in ("fields.py", "models.py", "statements_sql.py") or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                names = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            elif isinstance(node, ast.Dict):
                names = [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
            else:
                continue
            named = [n for n in names if n in columns]
            if len(named) >= 10:
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}: {named[:6]}")
    assert offenders == []


def test_verify_covers_every_chained_field(cli: Cli, db_url: str, busy: list[str]) -> None:  # noqa: F811
    """Each chained column edited behind the tool's back, one at a time (and put back)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(db_url if "://" in db_url else f"sqlite:///{db_url}", poolclass=NullPool)
    postgres = "://" in db_url
    try:
        for column in fields.CHAINED:
            kind = fields.BY_NAME[column].kind
            value = {
                "time": "'2001-01-01 00:00:00+00'" if postgres else "'2001-01-01 00:00:00.000000'",
                "count": "7",
                "money": "123",
                "flag": "true" if postgres else "1",
            }.get(kind, "'改过'")
            with engine.begin() as conn:
                original = conn.execute(text(f"SELECT {column} FROM complaint WHERE no = :no"), {"no": busy[1]}).scalar()
                conn.execute(text(f"UPDATE complaint SET {column} = {value} WHERE no = :no"), {"no": busy[1]})
            result = cli("verify")
            assert result.exit_code == 4 and f"{busy[1]}: {column} is" in result.stdout, (column, result.stdout)
            with engine.begin() as conn:
                conn.execute(text(f"UPDATE complaint SET {column} = :v WHERE no = :no"), {"v": original, "no": busy[1]})
        assert cli("verify").exit_code == 0
    finally:
        engine.dispose()
