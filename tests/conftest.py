"""Hermetic tests: every test gets its own register and a fixed operator.

Tests that use the register (through `cli` or `db_url`) run on SQLite and, when a
PostgreSQL server is reachable, on PostgreSQL too: each in a schema of its own.
COMPLAINTCTL_TEST_PG names the server (default: the one .ci/run starts); with CI=true a
missing server is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

# The messages the tests expect are the message ids: the language is pinned before the
# CLI is imported (Typer's help texts are translated as the commands are declared).
os.environ["COMPLAINTCTL_LANG"] = "C"
os.environ.pop("COMPLAINTCTL_LOCALEDIR", None)

from hypothesis import settings as hypothesis_settings  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from complaintctl import db  # noqa: E402
from complaintctl.cli import app  # noqa: E402

# Hypothesis in CI: the same examples every run and no example database carried between
# runs (a clean clone, a deterministic log); locally it explores and remembers as usual.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")

PG_URL = os.environ.get("COMPLAINTCTL_TEST_PG", "postgresql+psycopg://complaintctl:complaintctl@localhost/complaintctl_test")


def _postgres_reachable() -> bool:
    try:
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(PG_URL)
        psycopg.connect(
            host=url.host, port=url.port or 5432, user=url.username, password=url.password, dbname=url.database, connect_timeout=3
        ).close()
        return True
    except Exception:
        return False


# COMPLAINTCTL_TEST_ENGINES=sqlite (make test-fast) keeps to SQLite even when a server is up.
ONLY_SQLITE = os.environ.get("COMPLAINTCTL_TEST_ENGINES", "").strip() == "sqlite"
POSTGRES = not ONLY_SQLITE and _postgres_reachable()
if os.environ.get("CI") == "true" and not POSTGRES and not ONLY_SQLITE:
    raise pytest.UsageError(f"CI=true but no PostgreSQL at {PG_URL}: .ci/run starts one")
ENGINES = ["sqlite", "postgresql"] if POSTGRES else ["sqlite"]


@pytest.fixture(autouse=True)
def hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("COMPLAINTCTL_DB", str(tmp_path / "register.db"))
    monkeypatch.setenv("COMPLAINTCTL_USER", "tester")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    monkeypatch.delenv("COMPLAINTCTL_TZ", raising=False)
    monkeypatch.delenv("COMPLAINTCTL_RULES", raising=False)
    yield
    db.close_all()


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A register URL on the test server, in a PostgreSQL schema of its own, dropped after."""
    import psycopg
    from sqlalchemy.engine import make_url

    schema = f"t_{uuid.uuid4().hex[:12]}"
    target = make_url(PG_URL)
    connect = dict(
        host=target.host,
        port=target.port or 5432,
        user=target.username,
        password=target.password,
        dbname=target.database,
        autocommit=True,
    )
    with psycopg.connect(**connect) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        db.close_all()
        with psycopg.connect(**connect) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=ENGINES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The test's register on each engine: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        url = str(tmp_path / "register.db")
        monkeypatch.setenv("COMPLAINTCTL_DB", url)
        yield url
        return
    with postgres_schema() as url:
        monkeypatch.setenv("COMPLAINTCTL_DB", url)
        yield url


@pytest.fixture
def register(db_url: str) -> Path:
    """The register as a SQLite file, for tests about the file itself (SQLite only)."""
    if "://" in db_url:
        pytest.skip("about the SQLite file")
    return Path(db_url)


class Cli:
    """Runs the real CLI in-process, the way a user types it."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Any:
        return self.runner.invoke(app, list(args), input=input)

    def ok(self, *args: str) -> Any:
        result = self(*args)
        assert result.exit_code == 0, f"{args}: exit {result.exit_code}\n{result.stdout}\n{result.stderr}\n{result.exception!r}"
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json").stdout)

    def log(self, *extra: str, received: str = "2026-11-02 09:15", contact: str = "13800138000") -> str:
        result = self.ok(
            "log",
            "--customer",
            "张三",
            "--contact",
            contact,
            "--channel",
            "电话",
            "--content",
            "买的冰箱不制冷，已经修了两次",
            "--subject",
            "冰箱不制冷",
            "--received",
            received,
            *extra,
        )
        return result.stdout.strip()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite register made once by `init`; each test copies it (running the
    migrations per test cost the suite ~100 s)."""
    path = tmp_path_factory.mktemp("template") / "register.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COMPLAINTCTL_DB", str(path))
        patch.setenv("COMPLAINTCTL_USER", "tester")
        Cli().ok("init")
    db.close_all()
    return path


@pytest.fixture
def cli(db_url: str, sqlite_template: Path) -> Iterator[Cli]:
    """The CLI on the test's register, created as an office creates one (`init`). With
    COMPLAINTCTL_TEST_VERIFY=1, every test's register must still pass `verify` at its end:
    a write path that leaves a row unsealed shows there."""
    runner = Cli()
    if "://" in db_url:
        runner.ok("init")
    else:
        import shutil

        shutil.copyfile(sqlite_template, db_url)
        os.chmod(db_url, 0o600)
    yield runner
    if os.environ.get("COMPLAINTCTL_TEST_VERIFY") and ("://" in db_url or Path(db_url).exists()):
        if os.environ.get("COMPLAINTCTL_DB", db_url) == db_url:
            result = runner("verify", "--db", db_url)
            assert result.exit_code in (0, 4), result.stderr
            if result.exit_code == 4 and "behind the tool" not in result.stdout and "rewritten" not in result.stdout:
                raise AssertionError(result.stdout)


def snapshot(url: str, without: tuple[str, ...] = ()) -> str:
    """Every row of every table of the register, in order: equal snapshots mean nothing was written.
    For a SQLite file, the file's whole SQL dump. Tables in `without` are left out."""
    if "://" not in url:
        path = Path(url)
        if not path.exists():
            return ""
        with sqlite3.connect(path) as conn:
            return "\n".join(line for line in conn.iterdump() if not any(f'"{name}"' in line for name in without))
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            lines = []
            for table in sorted(set(inspect(conn).get_table_names()) - set(without)):
                rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY 1")).all()
                lines.append(f"{table}: {rows!r}")
            return "\n".join(lines)
    finally:
        engine.dispose()


def dump(path: Path) -> str:
    return snapshot(str(path))


def modules_loaded_by(argv: list[str], watched: tuple[str, ...], env: dict[str, str] | None = None) -> tuple[int, str, list[str]]:
    """Run the CLI in a fresh interpreter, as a terminal would: its exit code, its stdout,
    and which of the `watched` modules it imported (the start-up budget of issue 13)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from complaintctl.cli import main\n"
        f"sys.argv = ['complaintctl', *{argv!r}]\n"
        "status = 0\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    status = exc.code or 0\n"
        f"print('LOADED:' + ','.join(m for m in {watched!r} if m in sys.modules))\n"
        "print('STATUS:' + str(status))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    *output, loaded, status = result.stdout.rstrip("\n").split("\n")
    names = loaded.removeprefix("LOADED:")
    return int(status.removeprefix("STATUS:")), "\n".join(output), names.split(",") if names else []


def query(url: str, sql: str) -> list[Any]:
    """Rows of a query on the register, whatever the engine."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url if "://" in url else f"sqlite:///{url}", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql)).all())
    finally:
        engine.dispose()


def change(url: str, sql: str) -> None:
    """Change the register behind the tool's back (a test of what it then does)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url if "://" in url else f"sqlite:///{url}", poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


def pytest_report_header(config: pytest.Config) -> str:
    return f"complaintctl engines: {', '.join(ENGINES)}" + (f" ({PG_URL.split('@')[-1]})" if POSTGRES else "")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How many tests passed on each engine: the CI log shows both ran."""
    counts: dict[str, int] = {}
    for report in terminalreporter.stats.get("passed", []):
        engine = (
            "postgresql"
            if "[postgresql" in report.nodeid or "-postgresql" in report.nodeid
            else ("sqlite" if "[sqlite" in report.nodeid or "-sqlite" in report.nodeid else "no register")
        )
        counts[engine] = counts.get(engine, 0) + 1
    terminalreporter.write_line("passed per engine: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
