"""The command line: parse the options, open one session, call one service
function, render the result. Errors become one line on stderr and an exit code:
2 for bad input, 1 for a refused step.

Heavy modules (SQLAlchemy, Rich tables, alembic) are imported inside the commands,
so `--help` costs little more than importing Typer.
"""

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from . import clickwords, i18n
from .errors import BadInput, ComplaintError, StorageError
from .i18n import _, ngettext

if TYPE_CHECKING:
    from pathlib import Path

    from sqlmodel import Session

    from .dbapi import Register
    from .domain import Duration
    from .periods import Period


class _Later:
    """A module imported at its first use: `--help` and the commands that do not need
    it skip the cost (the enums of domain.py alone take a few milliseconds)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        from importlib import import_module

        value = getattr(import_module(self._name, __package__), attribute)
        setattr(self, attribute, value)
        return value


inputs: Any = _Later(".inputs")
domain: Any = _Later(".domain")


class _Group(TyperGroup):
    """Maps every error to one line on stderr and an exit code, tests included."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:  # type: ignore[override]
        try:
            return self._main(*args, standalone_mode=standalone_mode, **kwargs)
        finally:
            _settings.clear()  # the next command (in the shell, in a test) reads them afresh

    def _main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        from typer._click import exceptions as click_exceptions
        from typer.exceptions import Abort

        def error(message: str) -> None:
            from .render import error as show

            show(message)

        # Every file and folder the tool makes (the register and its WAL, backups, exports,
        # the shell's history) is its user's alone: 0600 and 0700.
        os.umask(0o077)
        given = kwargs.get("args", args[0] if args else None)
        for arg in sys.argv[1:] if given is None else given:
            if any("\ud800" <= ch <= "\udfff" for ch in arg):  # bytes Python could not decode
                shown = repr(arg.encode("utf-8", "surrogateescape"))[2:-1]
                error(_("'{shown}' is not UTF-8 text; set the terminal (or the script) to UTF-8").format(shown=shown))
                sys.exit(2)
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
        except click_exceptions.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(2)
        except click_exceptions.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "complaintctl"
            message = clickwords.usage_error(exc.format_message())
            error(_("{format_message} (see '{where} --help')").format(format_message=message, where=where))
            sys.exit(2)
        except ComplaintError as exc:
            error(exc.message)
            sys.exit(exc.exit_code)
        except click_exceptions.ClickException as exc:
            error(exc.format_message())
            sys.exit(exc.exit_code)
        except (Abort, KeyboardInterrupt):
            result = 130
        if result == 130:  # Typer turns Ctrl-C into exit code 130
            if sys.stderr.isatty():
                sys.stderr.write("\n")  # end the line the ^C was echoed on
            error(_("cancelled; nothing was written"))
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


# The register's own settings a command reads (its installed rules, whether it is a
# demonstration): read once per command, not once per question (each read opens the
# register: ~1 ms of every start).
_settings: dict[tuple[str | None, str], str | None] = {}


def _setting(db: str | None, key: str) -> str | None:
    if (db, key) not in _settings:
        from .db import setting

        _settings[(db, key)] = setting(db, key)
    return _settings[(db, key)]


# The language is settled before the first help text below is translated.
def _office_language() -> str | None:
    from .settings import office_language

    return office_language(sys.argv[1:], read_setting=_setting)


i18n.use_office_language(_office_language)
clickwords.install()

app = typer.Typer(
    cls=_Group,
    help=_("客户投诉记录登记表 — a customer-complaint register kept from the terminal."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def main() -> None:
    """The console script. Typer builds a command from its function's signature at every
    start; building only the one invoked (not all of them) saves tens of milliseconds."""
    first = sys.argv[1] if len(sys.argv) > 1 else None
    try:
        if first is None or (first in ("-h", "--help", "-V", "--version") and len(sys.argv) == 2):
            _overview()()
        else:
            (_only(first) or app)()
    finally:
        _before_exit()


def _before_exit() -> None:
    """Close the register's connections, then spare the interpreter's exit its garbage
    collections. Python collects garbage several times as it shuts down, walking every
    object SQLAlchemy and pydantic built at import: ~80-110 ms of each command's time,
    measured, for nothing, since the process ends. Frozen objects are skipped; buffers,
    files and atexit handlers are finished as usual."""
    import gc

    db = sys.modules.get(f"{__package__}.db")
    if db is not None:
        db.close_all()
    gc.freeze()


def _overview() -> typer.Typer:
    """The app as the top-level help shows it: every command's name and first line,
    none of their options (building those is most of what `--help` would cost)."""
    import copy

    overview = _bare_app(no_args_is_help=True)
    for info in app.registered_commands:
        stub = copy.copy(info)
        stub.help = info.help or (info.callback.__doc__ if info.callback else None)
        stub.callback = _no_options
        overview.registered_commands.append(stub)
    for group in app.registered_groups:
        assert group.typer_instance is not None
        summary = typer.Typer(help=group.typer_instance.info.help)
        summary.callback()(_no_options)
        overview.add_typer(summary, name=group.name)
    overview.callback()(_no_options)
    return overview


def _only(name: str) -> typer.Typer | None:
    """An app holding just the command `name`, with the same behaviour; None if unknown."""
    commands = [info for info in app.registered_commands if info.name == name]
    groups = [info for info in app.registered_groups if info.name == name]
    if not commands and not groups:
        return None
    single = _bare_app()
    single.registered_commands = commands
    single.registered_groups = groups
    single.callback()(_no_options)  # a callback keeps it a group: `complaintctl NAME ...` as always
    return single


def _bare_app(**settings: Any) -> typer.Typer:
    """An empty app that behaves as `app` does (errors, help options, no completion)."""
    return typer.Typer(
        cls=_Group,
        help=app.info.help,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
        **settings,
    )


def _print_version(wanted: bool) -> None:
    if wanted:
        from importlib.metadata import version

        sys.stdout.write(" ".join(("complaintctl", version("complaintctl"))) + "\n")
        raise typer.Exit()


def _no_options(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", help=_("Print the version and exit."), is_eager=True, callback=_print_version),
    ] = False,
) -> None:
    """客户投诉记录登记表 — a customer-complaint register kept from the terminal."""


# ---------------------------------------------------------------- shared options

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="PATH_OR_URL",
        help=_("Register file or SQLAlchemy URL [env: COMPLAINTCTL_DB; default: the user data directory]."),
    ),
]
AsOption = Annotated[
    str | None,
    typer.Option("--as", metavar="NAME", help=_("Who is doing this [env: COMPLAINTCTL_USER; default: the login name].")),
]
AtOption = Annotated[
    str | None,
    typer.Option("--at", metavar="WHEN", help=_("When it happened, e.g. '2026-09-18 10:30', 'yesterday 15:00' [default: now].")),
]
JsonOption = Annotated[bool, typer.Option("--json", help=_("Print JSON for scripts."))]
RulesOption = Annotated[
    str | None,
    typer.Option(
        "--rules",
        metavar="FILE",
        help=_(
            "Rules file, for a register with no rules installed [env: COMPLAINTCTL_RULES; default: the rules installed in the register, else rules.toml in the user config directory, else built-in]."
        ),
    ),
]
NoArgument = Annotated[str, typer.Argument(metavar="NO", help=_("Complaint number, e.g. TS-2026-0042."))]


class _Call:
    """What every command needs: the clock, the operator, and the office's policy
    (rules, calendar, time zone), loaded once."""

    def __init__(self, operator: str | None = None, rules: str | None = None, db: str | None = None) -> None:
        global _clock_mark
        from .clock import now
        from .settings import load_policy

        self._operator = operator
        self._db = db
        self.policy = load_policy(rules, _installed_rules(db))
        self.tz = self.policy.tz
        self.now, _clock_mark = now(self.tz, lambda: _is_demo(db))

    @cached_property
    def actor(self) -> str:
        """Who is doing this: worked out when a write needs it (reads never do)."""
        return operator_name(self._operator)

    def refused(self, action: str) -> Callable[[], str | None]:
        """Why the logged-in person may not take `action`, asked only when it matters."""

        def why() -> str | None:
            if not self.policy.rules.people:
                return None
            from .db import current_login
            from .rules import refusal

            return refusal(self.policy.rules, current_login(self._db), action)

        return why

    def require(self, action: str) -> None:
        """Refuse the step unless the office's roles let the logged-in person take it."""
        why = self.refused(action)()
        if why:
            from .errors import NotPermitted

            raise NotPermitted(why)

    def when(self, value: str | None, option: str = "--at", *, ahead: bool = False) -> datetime:
        """The time of an event typed by a person (now when not given). A date or a part of
        the day without a time of day is asked about at a terminal and refused in a
        script; one more than `[input] confirm_days_back` days back or in another year
        is confirmed at a terminal (a typo in the year would file the case a year off)."""
        if value is None:
            return self.now
        typed = inputs.reading(value, option, now=self.now, tz=self.tz, ahead=ahead)
        moment = typed.moment
        if ahead and not typed.clock_given and typed.period is None:
            # A deadline given as a day is that day's end (office closing time, else 23:59:59).
            moment = datetime.combine(moment.date(), self.policy.rules.day_end, tzinfo=self.tz)
        elif not typed.clock_given:
            if not _interactive():
                example = f"{moment.astimezone(self.tz):%Y-%m-%d} 14:30"
                raise BadInput(
                    _("{option}: {value!r} gives no time of day; add one, e.g. '{example}'").format(
                        option=option, value=value, example=example
                    )
                )
            from .prompts import ask
            from .when import WhenError, clock_of

            def read(answer: str) -> datetime:
                try:
                    return datetime.combine(moment.date(), clock_of(answer, typed.period), tzinfo=self.tz)
                except WhenError as exc:
                    raise BadInput(str(exc)) from None

            moment = ask(
                _("{option} {day:%Y-%m-%d}{period}: at what time").format(
                    option=option, day=moment, period=f" {typed.period}" if typed.period else ""
                ),
                read,
            )
        local, today = moment.astimezone(self.tz), self.now.astimezone(self.tz)
        days_back = (today.date() - local.date()).days
        if _interactive() and (days_back > self.policy.rules.confirm_days_back or local.year != today.year):
            from .prompts import confirm

            question = (
                _("{option} {moment:%Y-%m-%d %H:%M} is {days} days back, in {year}; is that right?").format(
                    option=option, moment=local, days=days_back, year=local.year
                )
                if days_back >= 0
                else _("{option} {moment:%Y-%m-%d %H:%M} is in {year}; is that right?").format(
                    option=option, moment=local, year=local.year
                )
            )
            if not confirm(question):
                raise BadInput(_("{option}: {value!r} not confirmed; nothing was written").format(option=option, value=value))
        return moment

    def scope(self, department: str | None, category: str | None, unit: str | None = None) -> Any:
        """A report's scope from --department, --category and --unit (its key or label)."""
        from . import reports

        scope = reports.Scope(inputs.text(department, "--department", single_line=True), self.category(category))
        return scope if unit is None else reports.unit_scope(self.policy.rules, self.unit(unit).key, scope)

    def unit(self, value: str) -> Any:
        """A unit of the rules in force from its key or label."""
        found = self.policy.rules.find_unit(value)
        if found is None:
            known = ", ".join(f"{u.key} ({u.label})" for u in self.policy.rules.units) or _(
                "none; declare them under [units] in the office rules"
            )
            raise BadInput(_("--unit: {value!r} is not a unit; the units are {known}").format(value=value, known=known))
        return found

    def category(self, value: str | None) -> str | None:
        """A category code from its code or label in the rules in force."""
        if value is None:
            return None
        rule = self.policy.rules.find_category(value)
        if rule is None:
            raise BadInput(
                _("--category: {value!r} is not one of {category_choices}").format(
                    value=value, category_choices=self.policy.rules.category_choices()
                )
            )
        return rule.code

    def department(self, value: str, option: str = "--department") -> str:
        """A department of the office rules by name or synonym; refused with the closest
        names otherwise (a typo must not make a second department)."""
        text = inputs.text(value, option, required=True, single_line=True) or ""
        rules = self.policy.rules
        found = rules.find_department(text)
        if found is not None:
            return found.name
        known = [d.name for d in rules.departments]
        raise BadInput(
            _(
                "{option}: {value!r} is not a department of the office; {hint}the departments are {known}. A new one is added with `complaintctl department add {value}`"
            ).format(option=option, value=text, hint=_did_you_mean(rules, text, known), known=", ".join(known))
        )

    def person(self, value: str, option: str = "--to") -> str:
        """A person by name; when the office rules list their people, one of them."""
        text = inputs.text(value, option, required=True, single_line=True) or ""
        rules = self.policy.rules
        if not rules.people:
            return text
        found = rules.find_person(text)
        if found is not None:
            return found.name
        known = [p.name for p in rules.people]
        raise BadInput(
            _(
                "{option}: {value!r} is not one of the office's people; {hint}they are {known} ([people] in the office rules)"
            ).format(option=option, value=text, hint=_did_you_mean(rules, text, known), known=", ".join(known))
        )

    def declared(self, items: list[str] | None, option: str) -> tuple[tuple[str, str], ...]:
        """`KEY=VALUE` pairs for the fields the office's rules declare (key or label)."""
        out: dict[str, str] = {}
        for item in items or []:
            name, sep, value = item.partition("=")
            entry = self.policy.rules.declared_field(name) if sep else None
            if entry is None:
                known = ", ".join(f"{f.key} ({f.label})" for f in self.policy.rules.fields) or _("none declared")
                raise BadInput(
                    _("{option} {item!r}: write it as FIELD=VALUE with a field of the office rules: {known}").format(
                        option=option, item=item, known=known
                    )
                )
            try:
                out[entry.key] = entry.parse(value)
            except ValueError as exc:
                raise BadInput(f"{option} {entry.label}: {exc}") from None
        return tuple(out.items())

    def duration(self, value: str, option: str) -> "Duration":
        from .domain import Duration

        try:
            return Duration.parse(value)
        except ValueError as exc:
            raise BadInput(f"{option}: {exc}") from None


def _did_you_mean(rules: Any, text: str, known: list[str]) -> str:
    """`did you mean 物流部? ` for the known names closest to `text`, or nothing."""
    near = rules.closest(text, known)
    return _("did you mean {names}? ").format(names=" / ".join(near)) if near else ""


def operator_name(given: str | None) -> str:
    """--as, else COMPLAINTCTL_USER, else the login name."""
    if given is not None:
        name = inputs.text(given, "--as", required=True, single_line=True)
        assert name is not None
        return name
    env = os.environ.get("COMPLAINTCTL_USER", "").strip()
    if env:
        return env
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


# How history entries written by this command are marked when the clock is set (clock.py).
_clock_mark: str | None = None


def _required_fields(call: "_Call", given: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The declared fields given at `log`; one the rules mark required is asked for at a
    terminal, and refused when missing otherwise."""
    have = dict(given)
    for entry in call.policy.rules.fields:
        if entry.required and entry.key not in have:
            if not sys.stdin.isatty():
                raise BadInput(_("--field {label}=… is required by the office rules; give it").format(label=entry.label))
            from .prompts import ask

            def read(answer: str, entry: Any = entry) -> str:
                try:
                    return str(entry.parse(answer))
                except ValueError as exc:
                    raise BadInput(f"{entry.label}: {exc}") from None

            have[entry.key] = ask(f"{entry.label} ({entry.key})", read)
    return tuple(have.items())


def _path(text: str) -> "Path":
    """A file name typed by a person: ~ expanded where it names a home (~nobody stays as
    typed), a NUL refused in one line."""
    from pathlib import Path

    if "\0" in text:
        raise BadInput(_("{text!r}: a file name cannot hold a NUL character").format(text=text))
    try:
        return Path(text).expanduser()
    except RuntimeError:  # ~user of no such user
        return Path(text)


def _installed_rules(db: str | None) -> str | None:
    """The text of the rules installed in the register, if any."""
    return _setting(db, "rules")


def _is_demo(db: str | None) -> bool:
    return _setting(db, "demo") == "true"


def _write(db: str | None, use_case: Callable[["Session"], dict[str, Any]], create: str = "never") -> dict[str, Any]:
    from .db import open_session

    with open_session(db, write=True, create=create) as session:
        session.info["clock_mark"] = _clock_mark
        return use_case(session)


def _lean_write(db: str | None, use_case: Callable[["Register"], Any], create: str = "never") -> Any:
    """Run a write on the DB-API path (dbapi.py) in one transaction: no SQLAlchemy to import."""
    from .dbapi import open_register

    with open_register(db, write=True, create=create) as register:
        register.clock_mark = _clock_mark
        return use_case(register)


def _lean_read(db: str | None, use_case: Callable[["Register"], Any]) -> Any:
    """Run a read on the DB-API path (dbapi.py): no SQLAlchemy to import."""
    from .dbapi import open_register

    with open_register(db, write=False) as register:
        return use_case(register)


def _read(db: str | None, use_case: Callable[["Session"], Any]) -> Any:
    from .db import open_session

    with open_session(db, write=False) as session:
        return use_case(session)


def _finish(record: dict[str, Any], what: str, as_json: bool, call: _Call) -> None:
    from . import render

    if as_json:
        render.emit_json(record, call.tz)
    else:
        render.done(record, what, call.policy)


def _interactive() -> bool:
    """Whether a person is at the keyboard to answer prompts."""
    return sys.stdin.isatty()


T = TypeVar("T")


def _case_no(no: str, db: str | None, *answers: str | None) -> str:
    """The complaint number typed; when the clerk is about to be asked for something, the
    case is looked up first, so a mistyped number is said before the answers, not after."""
    number = inputs.complaint_no(no)
    if any(a is None for a in answers) and _interactive():
        from .service.common import get_complaint

        _lean_read(db, lambda register: get_complaint(register, number))
    return number


def _ask(value: str | None, prompt: str, option: str, read: Callable[[str], T], *, multiline: bool = False) -> T:
    """A required value read by `read`: asked for on a terminal until it reads (prompts.py),
    an error without one."""
    if value is not None:
        return read(value)
    if _interactive():
        from .prompts import ask

        return ask(prompt, read, multiline=multiline)
    raise BadInput(_("{option} is required").format(option=option))


def _one_line(option: str) -> Callable[[str], str]:
    def read(value: str) -> str:
        return inputs.text(value, option, required=True, single_line=True) or ""

    return read


def _long_text(option: str) -> Callable[[str], str]:
    def read(value: str) -> str:
        return inputs.text(value, option, required=True) or ""

    return read


# ---------------------------------------------------------------- commands


@app.command("log")
def log_command(
    customer: Annotated[str | None, typer.Option(help=_("Customer name. {required}"))] = None,
    contact: Annotated[
        str | None,
        typer.Option(
            help=_("Mobile, landline with area code (转 extension), 400/800/95xxx, overseas number or e-mail. {required}")
        ),
    ] = None,
    contact_kind: Annotated[
        str | None,
        typer.Option(
            metavar="other",
            help=_("Give 'other' to keep a contact that is none of those forms, as typed (a QQ number, a 微信号)."),
        ),
    ] = None,
    channel: Annotated[str | None, typer.Option(help=_("How it came in: {Channel}. {required}"))] = None,
    content: Annotated[str | None, typer.Option(help=_("What happened. {required}"))] = None,
    subject: Annotated[str | None, typer.Option(help=_("One-line subject."))] = None,
    location: Annotated[str | None, typer.Option(help=_("Where it happened."))] = None,
    demand: Annotated[str | None, typer.Option(help=_("What the customer asks for."))] = None,
    remarks: Annotated[str | None, typer.Option(help=_("Anything else worth keeping."))] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            metavar="FIELD=VALUE",
            help=_(
                "A field of the office rules, by key or label, e.g. --field 订单号=A123 (repeatable; `rules show` lists them)."
            ),
        ),
    ] = None,
    category: Annotated[str | None, typer.Option(help=_("Category code or label [default: suggested from the text]."))] = None,
    origin: Annotated[str | None, typer.Option(help=_("Nature of the complaint: {Origin}."))] = None,
    urgent: Annotated[bool, typer.Option("--urgent", help=_("Mark it urgent whatever the text says."))] = False,
    receiver: Annotated[str | None, typer.Option(help=_("Who took it [default: the operator]."))] = None,
    received: Annotated[str | None, typer.Option(metavar="WHEN", help=_("When it was received [default: now]."))] = None,
    incident: Annotated[
        str | None, typer.Option(metavar="NO", help=_("Link to the mass incident opened by complaint NO (集中性投诉)."))
    ] = None,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Register a complaint and print its number. Category, severity, priority
    and deadlines follow from the rules at once."""
    from . import service

    call = _Call(operator, rules, db)
    if contact_kind is not None and contact_kind.strip().casefold() not in ("other", "其他"):
        raise BadInput(
            _(
                "--contact-kind: {value!r} is not a kind to give; the forms are recognised by themselves, and 'other' keeps any other"
            ).format(value=contact_kind)
        )
    received_at = call.when(received, "--received")
    new = service.NewComplaint(
        customer_name=_ask(customer, _("客户姓名"), "--customer", _one_line("--customer")),
        contact=_ask(contact, _("联系方式"), "--contact", lambda v: inputs.contact(v, "other" if contact_kind else None)),
        channel=_ask(channel, _("投诉方式"), "--channel", lambda v: inputs.choice(domain.Channel, v, "--channel")),
        content=_ask(content, _("投诉内容"), "--content", _long_text("--content"), multiline=True),
        received_at=received_at,
        receiver=inputs.text(receiver, "--receiver", single_line=True) or call.actor,
        subject=inputs.text(subject, "--subject", single_line=True),
        location=inputs.text(location, "--location", single_line=True),
        demand=inputs.text(demand, "--demand"),
        remarks=inputs.text(remarks, "--remarks"),
        fields=_required_fields(call, call.declared(field, "--field")),
        category=call.category(category),
        origin=inputs.choice(domain.Origin, origin, "--origin") if origin is not None else None,
        urgent=urgent,
        incident_no=inputs.complaint_no(incident) if incident is not None else None,
    )
    record = _lean_write(
        db, lambda s: service.log_complaint(s, new, now=call.now, actor=call.actor, policy=call.policy), create="default"
    )
    if as_json:
        _finish(record, "", True, call)
    else:
        sys.stdout.write(record["no"] + "\n")


@app.command("list")
def list_command(
    status: Annotated[str | None, typer.Option(help=_("Status: {Status}, or open for all but closed."))] = None,
    category: Annotated[str | None, typer.Option(help=_("Category code or label."))] = None,
    severity: Annotated[str | None, typer.Option(help=_("Severity: {Severity}."))] = None,
    priority: Annotated[str | None, typer.Option(help=_("Priority: {Priority}."))] = None,
    department: Annotated[str | None, typer.Option(help=_("Responsible department."))] = None,
    assignee: Annotated[str | None, typer.Option(help=_("Person handling it."))] = None,
    customer: Annotated[str | None, typer.Option(help=_("Customer name (exact)."))] = None,
    search: Annotated[str | None, typer.Option(metavar="TEXT", help=_("Text in the subject, content or customer name."))] = None,
    date_from: Annotated[str | None, typer.Option("--from", metavar="DATE", help=_("Received on or after this day."))] = None,
    date_to: Annotated[str | None, typer.Option("--to", metavar="DATE", help=_("Received on or before this day."))] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help=_("Only cases with a milestone past its deadline."))] = False,
    mine: Annotated[bool, typer.Option("--mine", help=_("Only cases you received (首问) or handle, by your login."))] = False,
    received_by: Annotated[
        str | None, typer.Option("--received-by", metavar="NAME", help=_("Only cases this person received (首问人)."))
    ] = None,
    due_within: Annotated[
        str | None, typer.Option(metavar="DURATION", help=_("Only cases with a milestone due within e.g. 2wd, 3d, 12h."))
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option(
            "--where",
            metavar="FIELD=VALUE",
            help=_("Only cases whose office-rules field has this value, e.g. --where 订单号=A123."),
        ),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help=_("At most this many, newest first."))] = 50,
    unmasked: Annotated[
        bool, typer.Option("--unmasked", help=_("Show contacts in full in --json (recorded in the register)."))
    ] = False,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """List complaints, newest first, with filters. Contacts are masked unless --unmasked."""
    from . import render, service
    from . import rules as policy_rules

    call = _Call(operator, rules, db)
    if unmasked:
        call.require("export_unmasked")
    statuses: tuple[str, ...] | None = None
    if status is not None:
        if status.strip().casefold() in ("open", "未结案"):
            statuses = service.OPEN_STATUSES
        else:
            statuses = (inputs.choice(domain.Status, status, "--status").value,)
    due_until = None
    if due_within is not None:
        window = call.duration(due_within, "--due-within")
        due_until = policy_rules.deadline_for(
            call.now, window, calendar=call.policy.calendar, tz=call.tz, rules=call.policy.rules
        ).due_at
    filters = service.ListFilter(
        statuses=statuses,
        category=call.category(category),
        severity=inputs.choice(domain.Severity, severity, "--severity").value if severity else None,
        priority=inputs.choice(domain.Priority, priority, "--priority").value if priority else None,
        department=inputs.text(department, "--department", single_line=True),
        assignee=inputs.text(assignee, "--assignee", single_line=True),
        customer=inputs.text(customer, "--customer", single_line=True),
        search=inputs.text(search, "--search", single_line=True),
        received_from=inputs.day(date_from, "--from", now=call.now, tz=call.tz) if date_from else None,
        received_to=inputs.day(date_to, "--to", now=call.now, tz=call.tz) if date_to else None,
        overdue=overdue,
        due_until=due_until,
        limit=limit,
        where_fields=call.declared(where, "--where"),
        receiver=inputs.text(received_by, "--received-by", single_line=True),
        mine=_my_names(db, call) if mine else (),
    )
    records = _lean_read(db, lambda r: service.list_complaints(r, filters, policy=call.policy, now=call.now))
    if mine:
        _my_news(db, filters.mine, call)
    if unmasked:
        _write(db, lambda s: service.record_list_unmasked(s, count=len(records), now=call.now, actor=call.actor) or {})
    else:
        from .fields import FREE_TEXT
        from .privacy import mask_record

        personal = tuple(f.key for f in call.policy.rules.fields if f.personal)
        for record in records:
            mask_record(record, FREE_TEXT, personal)
    if as_json:
        render.emit_json(records, call.tz)
    else:
        render.complaint_list(records, call.policy, unmasked=unmasked)


def _my_names(db: str | None, call: _Call) -> tuple[str, ...]:
    """The names the logged-in person goes by: their login, their name in the office
    rules, and the name they work under (--as, COMPLAINTCTL_USER)."""
    from .db import current_login

    login = current_login(db)
    person = call.policy.rules.person(login)
    return tuple(dict.fromkeys(n for n in (login, person.name if person else None, call.actor) if n))


def _my_news(db: str | None, names: tuple[str, ...], call: _Call) -> None:
    """The news of one's own cases that reached no destination, shown once on stderr."""
    from .service import notify

    if any(notify.destinations(name, {}, call.policy) for name in names):
        return  # their news reaches them through their destination
    news = _lean_write(db, lambda r: notify.unreached(r, list(names)))
    for item in news:
        typer.echo(_("news: {title}").format(title=item["title"]), err=True)


@app.command("show")
def show_command(no: NoArgument, db: DbOption = None, rules: RulesOption = None, as_json: JsonOption = False) -> None:
    """Show a complaint: the record, why it was classified so, its deadlines, contact log and history."""
    from . import render, service

    call = _Call("-", rules, db)
    number = inputs.complaint_no(no)
    record = _lean_read(db, lambda r: service.show(r, number, policy=call.policy, now=call.now))
    if as_json:
        render.emit_json(record, call.tz)
    else:
        render.complaint(record, call.policy)


@app.command("classify")
def classify_command(
    no: NoArgument,
    category: Annotated[str | None, typer.Option(help=_("Category code or label."))] = None,
    severity: Annotated[str | None, typer.Option(help=_("Severity: {Severity}."))] = None,
    urgency: Annotated[str | None, typer.Option(help=_("Urgency: {Urgency}."))] = None,
    priority: Annotated[str | None, typer.Option(help=_("Priority: {Priority}."))] = None,
    origin: Annotated[str | None, typer.Option(help=_("Nature of the complaint: {Origin}."))] = None,
    reset: Annotated[
        bool, typer.Option("--reset", help=_("Forget earlier hand-made choices; let the rules decide again."))
    ] = False,
    reason: Annotated[str | None, typer.Option(help=_("Why (recorded with the decision)."))] = None,
    at: AtOption = None,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Classify a complaint. Values given by hand win and are recorded with the
    reason; with none, the rules are applied again and every term that fired is printed."""
    from . import render, service

    call = _Call(operator, rules, db)
    number = inputs.complaint_no(no)
    values = dict(
        category=call.category(category),
        severity=inputs.choice(domain.Severity, severity, "--severity") if severity else None,
        urgency=inputs.choice(domain.Urgency, urgency, "--urgency") if urgency else None,
        priority=inputs.choice(domain.Priority, priority, "--priority") if priority else None,
        origin=inputs.choice(domain.Origin, origin, "--origin") if origin else None,
        reset=reset,
        reason=inputs.text(reason, "--reason"),
        at=call.when(at),
    )
    record = _lean_write(
        db,
        lambda s: service.classify(
            s,
            number,
            now=call.now,
            actor=call.actor,
            policy=call.policy,
            lowering_refused=call.refused("lower_severity"),
            **values,
        ),  # type: ignore[arg-type]
    )
    if as_json:
        render.emit_json(record, call.tz)
    else:
        render.decisions(record, call.policy)


@app.command("assign")
def assign_command(
    no: NoArgument,
    department: Annotated[str | None, typer.Option(help=_("Responsible department [default: the category's routing]."))] = None,
    to: Annotated[str | None, typer.Option("--to", metavar="PERSON", help=_("Person who handles it."))] = None,
    at: AtOption = None,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Hand a complaint to a department and, optionally, a person."""
    from . import service

    call = _Call(operator, rules, db)
    number = inputs.complaint_no(no)
    dept = call.department(department) if department is not None else None
    person = call.person(to) if to is not None else None
    when = call.when(at)
    record = _lean_write(
        db,
        lambda s: service.assign(
            s, number, department=dept, assignee=person, at=when, now=call.now, actor=call.actor, policy=call.policy
        ),
    )
    _finish(
        record,
        _("已分派给 {department}").format(department=record["department"]) + (f"/{person}" if person else ""),
        as_json,
        call,
    )


@app.command("contact")
def contact_command(
    no: NoArgument,
    via: Annotated[str | None, typer.Option(help=_("How: {Channel}. {required}"))] = None,
    summary: Annotated[str | None, typer.Option(help=_("What was said. {required}"))] = None,
    agreed: Annotated[
        bool, typer.Option("--agreed", help=_("The customer agreed to the handling plan in this contact."))
    ] = False,
    part: Annotated[
        list[str] | None,
        typer.Option(
            "--part",
            metavar="NAME=TEXT",
            help=_("A part of the written outcome report (the rules' [steps.report] parts); repeat for each."),
        ),
    ] = None,
    at: AtOption = None,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a contact with the customer. The first is the first response;
    the first after resolution reports the outcome."""
    from . import service

    call = _Call(operator, rules, db)
    number = _case_no(no, db, via, summary)
    parts = _parts(part or [])
    channel = _ask(via, _("方式"), "--via", lambda v: inputs.choice(domain.Channel, v, "--via"))
    text = _ask(summary, _("内容"), "--summary", _long_text("--summary"), multiline=True)
    when = call.when(at)

    def contact(s: Any) -> dict[str, Any]:
        record = service.record_contact(
            s, number, via=channel, summary=text, at=when, now=call.now, actor=call.actor, policy=call.policy
        )
        if agreed:
            record = service.record_step(
                s, number, "agreed", note=text, at=when, now=call.now, actor=call.actor, policy=call.policy
            )
        if parts:
            record = service.record_step(
                s, number, "report", note=None, parts=parts, at=when, now=call.now, actor=call.actor, policy=call.policy
            )
        return record

    record = _lean_write(db, contact)
    _finish(record, _("沟通已记录"), as_json, call)


def _parts(values: list[str]) -> dict[str, str]:
    """--part NAME=TEXT, each once."""
    parts: dict[str, str] = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip() or not text.strip():
            raise BadInput(_("--part {value!r}: write NAME=TEXT, like --part 处理结果=已更换").format(value=value))
        parts[name.strip()] = text.strip()
    return parts


@app.command("resolve")
def resolve_command(
    no: NoArgument,
    solution: Annotated[str | None, typer.Option(help=_("What was done. {required}"))] = None,
    cause: Annotated[str | None, typer.Option(help=_("Root cause."))] = None,
    action: Annotated[str | None, typer.Option(help=_("Corrective and preventive action."))] = None,
    compensation: Annotated[str | None, typer.Option(metavar="AMOUNT", help=_("Compensation in yuan."))] = None,
    compensation_kind: Annotated[str | None, typer.Option(help=_("Kind of compensation: {CompensationKind}."))] = None,
    final: Annotated[
        bool, typer.Option("--final", help=_("The supervising leader's final decision on an escalated case."))
    ] = False,
    at: AtOption = None,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record the solution of a complaint; starts the outcome-report and
    follow-up clocks."""
    from . import service

    call = _Call(operator, rules, db)
    number = _case_no(no, db, solution)
    values = dict(
        solution=_ask(solution, _("处理结果"), "--solution", _long_text("--solution"), multiline=True),
        cause=inputs.text(cause, "--cause"),
        action=inputs.text(action, "--action"),
        compensation_cents=inputs.amount_cents(compensation, "--compensation") if compensation is not None else None,
        compensation_kind=inputs.choice(domain.CompensationKind, compensation_kind, "--compensation-kind")
        if compensation_kind
        else None,
        final=final,
        at=call.when(at),
    )
    if final:
        call.require("resolve_final")
    record = _lean_write(db, lambda s: service.resolve(s, number, now=call.now, actor=call.actor, policy=call.policy, **values))  # type: ignore[arg-type]
    _finish(record, _("分管领导决定已记录") if final else _("处理结果已记录"), as_json, call)


@app.command("followup")
def followup_command(
    no: NoArgument,
    satisfaction: Annotated[str | None, typer.Option(help=_("Satisfaction: {Satisfaction}. {required}"))] = None,
    note: Annotated[str | None, typer.Option(help=_("What the customer said."))] = None,
    method: Annotated[
        str | None,
        typer.Option(
            metavar="METHOD", help=_("How the visit was made: the rules' [followup] methods (电话, 网上, 现场, 第三方).")
        ),
    ] = None,
    at: AtOption = None,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record the follow-up visit. A–C close the case; D reopens it, and a D on a
    reopened case escalates it to the supervising leader."""
    from . import service

    call = _Call(operator, rules, db)
    number = _case_no(no, db, satisfaction)
    rating = _ask(
        satisfaction, _("满意度 A/B/C/D"), "--satisfaction", lambda v: inputs.choice(domain.Satisfaction, v, "--satisfaction")
    )
    text = inputs.text(note, "--note")
    how = None
    if method is not None:
        methods = call.policy.rules.procedures.followup_methods if call.policy.rules.procedures else ()
        how = next((m for m in methods if m.casefold() == method.strip().casefold()), None)
        if how is None:
            raise BadInput(_("--method {value!r} is not one of {choices}").format(value=method, choices=", ".join(methods)))
    when = call.when(at)
    record = _lean_write(
        db,
        lambda s: service.record_followup(
            s, number, satisfaction=rating, note=text, method=how, at=when, now=call.now, actor=call.actor, policy=call.policy
        ),
    )  # type: ignore[arg-type]
    outcome = {
        "closed": _("回访已记录, 已结案"),
        "reopened": _("客户不满意, 重新处理"),
        "escalated": _("仍不满意, 已升级至分管领导"),
    }[record["outcome"]]
    _finish(record, outcome, as_json, call)


@app.command("step")
def step_command(
    no: NoArgument,
    key: Annotated[str, typer.Argument(metavar="STEP", help=_("The step's key in the office rules, e.g. report_back."))],
    note: Annotated[str | None, typer.Option(help=_("What was done."))] = None,
    part: Annotated[
        list[str] | None, typer.Option("--part", metavar="NAME=TEXT", help=_("A part the step's written text must have."))
    ] = None,
    at: AtOption = None,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a named step of the office's procedure (a written report, a verification,
    the department's reply to the front desk); it meets the milestones it stops."""
    from . import service

    call = _Call(operator, rules, db)
    number = _case_no(no, db)
    parts = _parts(part or [])
    text = inputs.text(note, "--note")
    when = call.when(at)
    record = _lean_write(
        db,
        lambda s: service.record_step(
            s, number, key.strip(), note=text, parts=parts, at=when, now=call.now, actor=call.actor, policy=call.policy
        ),
    )
    _finish(record, _("步骤已记录: {step}").format(step=call.policy.rules.step_label(key.strip())), as_json, call)


@app.command("action")
def action_command(
    no: NoArgument,
    corrective: Annotated[str | None, typer.Option(help=_("What was done to correct the cause (纠正措施)."))] = None,
    preventive: Annotated[str | None, typer.Option(help=_("What keeps it from happening again (预防措施)."))] = None,
    owner: Annotated[str | None, typer.Option(metavar="NAME", help=_("Who carries the measures out."))] = None,
    approve: Annotated[bool, typer.Option("--approve", help=_("Approve the filed record (the role the rules name)."))] = False,
    at: AtOption = None,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """File the corrective and preventive action record (纠正及预防措施记录), or approve it
    with --approve when the rules ask for a review."""
    from . import service

    call = _Call(operator, rules, db)
    number = _case_no(no, db)
    when = call.when(at)
    if approve:
        procedures = call.policy.rules.procedures
        record = _approve(call, db, number, "action", procedures.action_approver if procedures else (), when)
        _finish(record, _("纠正预防措施已审核"), as_json, call)
        return
    text = _ask(corrective, _("纠正措施"), "--corrective", _long_text("--corrective"), multiline=True)
    record = _lean_write(
        db,
        lambda s: service.file_action(
            s,
            number,
            corrective=text,
            preventive=inputs.text(preventive, "--preventive"),
            owner=inputs.text(owner, "--owner", single_line=True),
            at=when,
            now=call.now,
            actor=call.actor,
            policy=call.policy,
        ),
    )
    _finish(record, _("纠正预防措施已记录"), as_json, call)


def _approve(call: _Call, db: str | None, number: str, step: str, approvers: tuple[str, ...], when: Any) -> Any:
    """Record `step`_approved on a case, refused unless the logged-in person holds one of
    `approvers` (the roles the rules name for `step --approve`)."""
    from . import service

    return _lean_write(
        db,
        lambda s: service.approve(
            s,
            number,
            f"{step}_approved",
            refused=_role_refusal(call, approvers, f"{step} --approve"),
            note=None,
            at=when,
            now=call.now,
            actor=call.actor,
            policy=call.policy,
        ),
    )


def _role_refusal(call: _Call, roles: tuple[str, ...], action: str) -> Callable[[], str | None]:
    """Why the logged-in person may not take a step the rules give to `roles`; None when
    they may, or when the office declares no people (one desk, one person)."""

    def why() -> str | None:
        rules = call.policy.rules
        if not rules.people or not roles:
            return None
        from .db import current_login

        login = current_login(call._db)
        person = rules.person(login)
        if person is not None and set(person.roles) & set(roles):
            return None
        return _("{action} needs the role {allowed}; {login} has {roles}").format(
            action=action, allowed=" or ".join(roles), login=login, roles=", ".join(person.roles) if person else _("no role")
        )

    return why


@app.command("plan")
def plan_command(
    no: NoArgument,
    steps: Annotated[str | None, typer.Option(help=_("The plan's steps, as agreed with the department."))] = None,
    approve: Annotated[
        bool, typer.Option("--approve", help=_("Approve the plan (the 主管领导: the role the rules name)."))
    ] = False,
    at: AtOption = None,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record the handling plan (处理方案), or approve it with --approve; the customer's
    agreement is `contact NO --agreed`."""
    from . import service

    call = _Call(operator, rules, db)
    number = _case_no(no, db)
    when = call.when(at)
    if approve:
        procedures = call.policy.rules.procedures
        record = _approve(call, db, number, "plan", procedures.plan_approver if procedures else (), when)
        _finish(record, _("处理方案已审批"), as_json, call)
        return
    text = _ask(steps, _("方案"), "--steps", _long_text("--steps"), multiline=True)
    record = _lean_write(
        db, lambda s: service.plan(s, number, steps=text, at=when, now=call.now, actor=call.actor, policy=call.policy)
    )
    _finish(record, _("处理方案已记录"), as_json, call)


@app.command("escalate")
def escalate_command(
    no: NoArgument,
    to: Annotated[
        str | None, typer.Option("--to", metavar="LEVEL", help=_("The level, as the rules' [escalation] levels name it."))
    ] = None,
    reason: Annotated[str | None, typer.Option(help=_("Why it goes up. {required}"))] = None,
    at: AtOption = None,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Escalate a case now (网点负责人应立即出面): the level's holders and the receiver are told."""
    from . import service

    call = _Call(operator, rules, db)
    number = _case_no(no, db, to, reason)
    levels = call.policy.rules.procedures.escalation_levels if call.policy.rules.procedures else ()
    level = _ask(to, _("升级至"), "--to", lambda v: _one_of(v, levels, "--to"))
    why = _ask(reason, _("原因"), "--reason", _long_text("--reason"))
    when = call.when(at)
    record = _lean_write(
        db,
        lambda s: service.escalate(
            s, number, level=level, reason=why, at=when, now=call.now, actor=call.actor, policy=call.policy
        ),
    )
    _finish(record, _("已升级至 {level}").format(level=level), as_json, call)


def _one_of(value: str, choices: tuple[str, ...], option: str) -> str:
    wanted = " ".join(value.split()).casefold()
    for choice in choices:
        if choice.casefold() == wanted:
            return choice
    raise BadInput(_("{option} {value!r} is not one of {choices}").format(option=option, value=value, choices=", ".join(choices)))


@app.command("extend")
def extend_command(
    no: NoArgument,
    to: Annotated[
        str | None, typer.Option("--to", metavar="WHEN", help=_("The new expected resolution time. {required}"))
    ] = None,
    reason: Annotated[str | None, typer.Option(help=_("Why it is late, as told to the customer. {required}"))] = None,
    late: Annotated[
        bool, typer.Option("--late", help=_("Record an extension agreed after the target passed: the miss stays counted."))
    ] = False,
    at: AtOption = None,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Move the resolution deadline after telling the customer, in advance, that it will be
    late. After the target has passed it is refused unless --late, which keeps
    the miss counted."""
    from . import service

    call = _Call(operator, rules, db)
    number = _case_no(no, db, to, reason)
    target = _ask(to, _("新的期限"), "--to", lambda v: call.when(v, "--to", ahead=True))
    why = _ask(reason, _("理由"), "--reason", _long_text("--reason"))
    when = call.when(at)
    if late:
        call.require("extend_late")
    record = _lean_write(
        db,
        lambda s: service.extend(
            s, number, to=target, reason=why, at=when, now=call.now, actor=call.actor, policy=call.policy, late=late
        ),
    )  # type: ignore[arg-type]
    _finish(record, _("已延期"), as_json, call)


@app.command("wait")
def wait_command(
    no: NoArgument,
    reason: Annotated[
        str | None, typer.Option(help=_("What the customer is to provide (evidence, a decision). {required}"))
    ] = None,
    at: AtOption = None,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Wait on the customer: the resolution clock stops until `resume` (等待客户)."""
    from . import service

    call = _Call(operator, rules, db)
    number = _case_no(no, db, reason)
    why = _ask(reason, _("等待什么"), "--reason", _long_text("--reason"))
    when = call.when(at)
    record = _lean_write(
        db, lambda s: service.wait(s, number, reason=why, at=when, now=call.now, actor=call.actor, policy=call.policy)
    )  # type: ignore[arg-type]
    _finish(record, _("等待客户, 解决时限暂停"), as_json, call)


@app.command("resume")
def resume_command(
    no: NoArgument,
    at: AtOption = None,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """The customer answered: the resolution clock runs again, its deadline moved by the
    working time spent waiting."""
    from . import service

    call = _Call(operator, rules, db)
    number = inputs.complaint_no(no)
    when = call.when(at)
    record = _lean_write(db, lambda s: service.resume(s, number, at=when, now=call.now, actor=call.actor, policy=call.policy))
    _finish(record, _("恢复处理, 期限已顺延"), as_json, call)


@app.command("close")
def close_command(
    no: NoArgument,
    reason: Annotated[
        str | None, typer.Option(help=_("Why it closes without resolution (duplicate, withdrawn, 非合理投诉). {required}"))
    ] = None,
    at: AtOption = None,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Close a complaint without resolution; a reason is required."""
    from . import service

    call = _Call(operator, rules, db)
    number = _case_no(no, db, reason)
    call.require("close")
    why = _ask(reason, _("结案说明"), "--reason", _long_text("--reason"))
    when = call.when(at)
    record = _lean_write(
        db, lambda s: service.close(s, number, reason=why, at=when, now=call.now, actor=call.actor, policy=call.policy)
    )  # type: ignore[arg-type]
    _finish(record, _("已结案"), as_json, call)


@app.command("edit")
def edit_command(
    no: NoArgument,
    field: Annotated[
        list[str],
        typer.Option(
            "--field",
            metavar="FIELD=VALUE",
            help=_(
                "A field and its corrected value, by key or label, e.g. --field 客户姓名=张珊 --field 订单号=A124 (repeatable; an empty value clears an optional field)."
            ),
        ),
    ],
    reason: Annotated[str | None, typer.Option(help=_("Why it is corrected (kept in the history). {required}"))] = None,
    at: AtOption = None,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Correct a field typed wrong: the old and new values and the reason go into the
    history. Fields with their own commands (status, times, classification, department)
    are changed by those."""
    from . import service
    from .fields import FIELDS

    call = _Call(operator, rules, db)
    number = _case_no(no, db, reason)
    why = _ask(reason, _("更正原因"), "--reason", _long_text("--reason"))
    values: dict[str, Any] = {}
    declared: dict[str, str | None] = {}
    by_name = {n.casefold(): f for f in FIELDS for n in (f.name, f.label)}
    for item in field:
        name, sep, value = item.partition("=")
        builtin = by_name.get(name.strip().casefold()) if sep else None
        office = call.policy.rules.declared_field(name) if sep and builtin is None else None
        if builtin is not None:
            if not builtin.editable:
                raise BadInput(
                    _("--field {label}: not corrected with edit; its own command changes it").format(label=builtin.label)
                )
            values[builtin.name] = _edited_value(builtin, value)
        elif office is not None:
            try:
                declared[office.key] = office.parse(value) if value.strip() else None
            except ValueError as exc:
                raise BadInput(_("--field {label}: {exc}").format(label=office.label, exc=exc)) from None
        else:
            raise BadInput(
                _("--field {item!r}: write it as FIELD=VALUE with a field's key or label (客户姓名, 地点, 订单号 ...)").format(
                    item=item
                )
            )
    when = call.when(at)
    record = _lean_write(
        db,
        lambda s: service.edit(
            s,
            number,
            values=values,
            declared=declared,
            reason=why,
            at=when,
            now=call.now,
            actor=call.actor,
            policy=call.policy,
        ),  # type: ignore[arg-type]
    )
    _finish(record, _("已更正"), as_json, call)


def _edited_value(entry: Any, value: str) -> Any:
    option = _("--field {label}").format(label=entry.label)
    if entry.name == "contact":
        return inputs.contact(value)
    if entry.choice is not None:
        return inputs.choice(entry.choice, value, option).value
    required = entry.name in ("customer_name", "content", "receiver")
    return inputs.text(value, option, required=required, single_line=entry.kind != "long")


@app.command("overdue")
def overdue_command(
    at: Annotated[str | None, typer.Option("--at", metavar="WHEN", help=_("Check as of this time [default: now]."))] = None,
    within: Annotated[
        str | None,
        typer.Option(
            metavar="DURATION", help=_("'Due soon' means due within this, e.g. 1wd, 4h [default: the rules' due_soon].")
        ),
    ] = None,
    fail: Annotated[bool, typer.Option("--fail", help=_("Exit 3 when anything is overdue (for monitors)."))] = False,
    skip_holidays: Annotated[
        bool, typer.Option("--skip-holidays", help=_("Print nothing on a day that is not a working day."))
    ] = False,
    notify: Annotated[
        bool,
        typer.Option(
            "--notify",
            help=_(
                "Send what is due (escalation steps, breaches, load alerts, the receiver's news) to the destinations in the office rules, each once; print only what was sent."
            ),
        ),
    ] = False,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """The morning check for cron: open cases with a milestone overdue or due soon,
    by department and assignee, worst first. Silent when there is nothing; each newly
    overdue milestone is recorded once in its case's history."""
    from . import render, service

    call = _Call(operator, rules, db)
    when = call.when(at)
    window = call.duration(within, "--within") if within is not None else None
    # Read on the lean path; a Session is opened only when there is a breach to record
    # (the first check of the day), so the checks typed at the desk stay fast.
    report = _lean_read(db, lambda r: service.check_overdue(r, at=when, within=window, now=call.now, policy=call.policy))
    pending = report.pop("pending_breaches")
    if pending:
        report["breaches_recorded"] = _lean_write(
            db,
            lambda s: service.record_overdue(s, pending, now=call.now, actor=call.actor),  # type: ignore[arg-type,return-value]
        )
    if notify:
        sent = _notify(db, call, report.pop("overdue_rows"))
        if as_json:
            render.emit_json(sent, call.tz)
        else:
            render.notified(sent)
        return
    if as_json:
        render.emit_json(report["items"], call.tz)
    elif not (skip_holidays and not call.policy.calendar.is_working_day(when.astimezone(call.tz).date())):
        render.overdue(report, call.policy)
        if call.policy.rules.units:  # the reporting calendar: a second short read, for offices with units
            today = when.astimezone(call.tz).date()
            owed = _lean_read(db, lambda r: service.report_reminders(r, today=today, policy=call.policy))
            render.report_reminders(owed, today)
    if fail and any(item["state"] == "overdue" for item in report["items"]):
        raise typer.Exit(3)


def _notify(db: str | None, call: _Call, overdue: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Send what is due: listed read-only, claimed in one short write, sent with no
    transaction open, settled in another. Returns what this run sent or tried."""
    from .service import notify

    messages = _lean_read(db, lambda r: notify.due(r, now=call.now, policy=call.policy, overdue=overdue))
    if not messages:
        return []
    claimed = _lean_write(db, lambda r: notify.claim(r, messages, now=call.now))
    if not claimed:
        return []
    results = notify.send(claimed, call.policy)
    _lean_write(db, lambda r: notify.settle(r, results, now=call.now, actor=call.actor))
    limit = call.policy.rules.procedures.notify_failures if call.policy.rules.procedures else 3
    out = []
    for message, state, channel, error in results:
        if state == "failed" and message.attempt == limit:
            typer.echo(
                _("error: {title} to {target} failed {count} times ({error}); check its destination in the office rules").format(
                    title=message.title, target=message.target, count=limit, error=error
                ),
                err=True,
            )
        out.append(
            {
                "no": message.no,
                "kind": message.kind,
                "to": message.target,
                "title": message.title,
                "state": state,
                "channel": channel,
                "attempt": message.attempt,
                "error": error,
            }
        )
    return out


@app.command("recompute")
def recompute_command(
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Re-derive the deadlines of open cases after the rules or the calendar changed;
    each change is recorded in the case's history. Extended deadlines are kept."""
    from . import render, service

    call = _Call(operator, rules, db)
    changed = _write(db, lambda s: service.recompute(s, now=call.now, actor=call.actor, policy=call.policy))  # type: ignore[arg-type,return-value]
    if as_json:
        render.emit_json(changed, call.tz)
    else:
        render.recomputed(changed, call.policy)  # type: ignore[arg-type]


rules_app = typer.Typer(help=_("The office's rules: categories, severity signals, deadlines, calendar."), no_args_is_help=True)
app.add_typer(rules_app, name="rules")


@rules_app.command("show")
def rules_show_command(rules: RulesOption = None, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Print the rules in force on the register as a TOML file you can copy and edit
    (with --rules FILE: that file's rules, merged over the defaults)."""
    from . import render
    from .settings import installed_rules, load_rules, rules_path

    text = None if rules else _installed_rules(db)
    if text is not None:
        loaded, source = installed_rules(text), _("installed in the register (complaintctl rules install)")
    else:
        loaded = load_rules(rules)
        path = rules_path(rules)
        source = str(path) if path else _("built-in defaults")
    from .procedures import masked

    shown = masked(loaded.raw)
    if as_json:
        render.emit_json(shown, UTC)
    else:
        render.rules_toml(shown, source)


@rules_app.command("install")
def rules_install_command(
    file: Annotated[str, typer.Argument(metavar="FILE", help=_("The rules file to install (checked first)."))],
    db: DbOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check a rules file and store it in the register: from then on every command on this
    register, whoever runs it, uses these rules. Recorded in the history (who, when, which
    rules). Refused while a category it drops is still used by a complaint."""

    from . import render
    from .ruleset import RulesError
    from .settings import read_rules

    path = _path(file)
    try:
        rules = read_rules(path)
    except RulesError as exc:
        for problem in exc.problems:
            render.error(problem)
        raise typer.Exit(2) from None
    global _clock_mark
    from . import service
    from .clock import now as clock_now
    from .db import require_register
    from .settings import office_tz

    require_register(db)
    _Call(operator, None, db).require("rules_install")  # by the rules in force, not the file's
    text = path.read_text(encoding="utf-8")
    actor = operator_name(operator)
    now, _clock_mark = clock_now(office_tz(rules), lambda: _is_demo(db))
    result = _write(db, lambda s: service.install_rules(s, text, rules, source=path.name, now=now, actor=actor))
    if as_json:
        render.emit_json(result, UTC)
    elif result["installed"]:
        sys.stdout.write(
            _("{name}: installed (rules {digest}); every command on this register uses them now\n").format(
                name=path.name, digest=result["digest"]
            )
        )
    else:
        sys.stdout.write(
            _("{name}: already installed (rules {digest}); nothing changed\n").format(name=path.name, digest=result["digest"])
        )


@rules_app.command("check")
def rules_check_command(
    file: Annotated[str, typer.Argument(metavar="FILE", help=_("The rules file to check."))],
    as_json: JsonOption = False,
) -> None:
    """Check a rules file: every problem on its own line naming the key and the fix; exit 2 if any."""
    from pathlib import Path

    from . import render
    from .ruleset import RulesError
    from .settings import read_rules

    problems: list[str] = []
    try:
        read_rules(Path(file))
    except RulesError as exc:
        problems = exc.problems
    if as_json:
        render.emit_json({"file": file, "ok": not problems, "problems": problems}, UTC)
    elif problems:
        for problem in problems:
            render.error(problem)
    else:
        sys.stdout.write(_("{file}: ok\n").format(file=file))
    if problems:
        raise typer.Exit(2)


# ---------------------------------------------------------------- the register itself

department_app = typer.Typer(
    help=_("The office's departments: those its categories route to and those it adds."), no_args_is_help=True
)
app.add_typer(department_app, name="department")


def _rules_text_in_force(db: str | None, rules: str | None) -> tuple[str, str]:
    """The text of the rules in force and where it came from: installed in the register,
    else the rules file, else the built-in defaults written out."""
    installed = _installed_rules(db)
    if installed is not None:
        return installed, _("the rules installed in the register")
    from .settings import load_rules, rules_path

    path = rules_path(rules)
    if path is not None:
        load_rules(rules)  # a broken file says so in one line
        return path.read_text(encoding="utf-8"), str(path)
    from .ruleset import default_rules, to_toml

    return to_toml(default_rules().raw), _("built-in defaults")


def _add_departments(
    session: "Session", names: list[str], call: "_Call", db: str | None, rules: str | None, unit: str = ""
) -> dict[str, Any]:
    from . import service

    base, _where = _rules_text_in_force(db, rules)
    return service.add_departments(
        session, names, base, unit=unit, source="department add " + " ".join(names), now=call.now, actor=call.actor
    )


@department_app.command("list")
def department_list_command(db: DbOption = None, rules: RulesOption = None, as_json: JsonOption = False) -> None:
    """The office's departments: name, unit, other names it answers to."""
    call = _Call(None, rules, db)
    rows = [{"name": d.name, "unit": d.unit, "synonyms": list(d.synonyms)} for d in call.policy.rules.departments]
    if as_json:
        from . import render

        render.emit_json(rows, call.tz)
        return
    for row in rows:
        extra = "  " + " / ".join(row["synonyms"]) if row["synonyms"] else ""
        unit = f"  [{row['unit']}]" if row["unit"] else ""
        sys.stdout.write(f"{row['name']}{unit}{extra}\n")


@department_app.command("add")
def department_add_command(
    names: Annotated[
        list[str], typer.Argument(metavar="DEPARTMENT...", help=_("The new department's name (several may be given)."))
    ],
    unit: Annotated[
        str | None, typer.Option(metavar="UNIT", help=_("The unit it belongs to ([units] in the office rules)."))
    ] = None,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a department to the office rules stored in the register (installing the rules in
    force there first if none were installed); recorded in the history like `rules install`."""
    call = _Call(operator, rules, db)
    call.require("rules_install")
    wanted: list[str] = []
    for name in names:
        text = inputs.text(name, "DEPARTMENT", required=True, single_line=True) or ""
        known = call.policy.rules.find_department(text)
        if known is not None:
            raise BadInput(_("{name} is a department already ({known}); nothing changed").format(name=text, known=known.name))
        if text not in wanted:
            wanted.append(text)
    result = _write(db, lambda s: _add_departments(s, wanted, call, db, rules, unit or ""))
    if as_json:
        from . import render

        render.emit_json(result, call.tz)
        return
    sys.stdout.write(
        _("{names}: added to the office rules stored in the register (rules {digest})\n").format(
            names=", ".join(wanted), digest=result["digest"]
        )
    )


db_app = typer.Typer(help=_("The register's schema: its version and upgrades."), no_args_is_help=True)
app.add_typer(db_app, name="db")


@app.command("init")
def init_command(
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help=_("A demonstration register: COMPLAINTCTL_NOW may set its clock (every run says so, every entry is marked)."),
        ),
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a register where --db or COMPLAINTCTL_DB says (or in the user data directory).
    Reading commands never create one, so a typo in a path cannot look like an empty register."""
    from . import render
    from .db import init

    where, created = init(db, demo=demo)
    if as_json:
        render.emit_json({"register": where, "created": created, "demo": demo}, UTC)
    elif created:
        sys.stdout.write(
            _("{where}: register created").format(where=where)
            + (_(" (demonstration: its clock may be set)") if demo else "")
            + "\n"
        )
    else:
        sys.stdout.write(_("{where}: a register is already there; nothing changed\n").format(where=where))


@db_app.command("current")
def db_current_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Print where the register is and its schema version beside this tool's."""
    from . import render
    from .db import SCHEMA_VERSION, MissingRegister, current_version

    where, version = current_version(db)
    if version is None:
        raise MissingRegister(
            _("no register at {where}; create one with `complaintctl init`, or check --db and COMPLAINTCTL_DB for a typo").format(
                where=where
            )
        )
    if as_json:
        render.emit_json({"register": where, "schema": version, "tool_schema": SCHEMA_VERSION}, UTC)
    else:
        state = (
            _("up to date")
            if version == SCHEMA_VERSION
            else _("not created yet")
            if version is None
            else _("needs `complaintctl db upgrade`")
        )
        sys.stdout.write(
            _("{where}: schema {version} (this complaintctl: {tool_version}), {state}\n").format(
                where=where, version=version or "-", tool_version=SCHEMA_VERSION, state=state
            )
        )


@db_app.command("upgrade")
def db_upgrade_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Create the register or upgrade it to this tool's schema. A SQLite file is copied
    aside first; back a PostgreSQL register up with pg_dump before running this."""
    from . import render
    from .db import upgrade

    before, after = upgrade(db)
    if as_json:
        render.emit_json({"from": before, "to": after}, UTC)
    else:
        sys.stdout.write(
            _("schema {before} → {after}\n").format(before=before or "(new)", after=after)
            if before != after
            else _("schema {after}: already up to date\n").format(after=after)
        )


@db_app.command("roles")
def db_roles_command(
    prefix: Annotated[
        str, typer.Option(help=_("How the database's group roles are named: PREFIX + clerk, handler ..."))
    ] = "complaintctl_",
    db: DbOption = None,
    rules: RulesOption = None,
    as_json: JsonOption = False,
) -> None:
    """On PostgreSQL: create a group role per office role and grant each what it may read
    and write on the register, then make each person of the office rules whose login exists
    a member of their roles. Run it as the register's owner after `rules install` and after
    adding people. The database then refuses, e.g., a clerk's UPDATE of the history."""
    import re

    from . import render
    from .db import _sqlite_path, database_url
    from .dbapi import open_register
    from .grants import apply

    if _sqlite_path(database_url(db)) is not None:
        raise BadInput(
            _("db roles is for a PostgreSQL register; a SQLite file is protected by its file permissions (see README)")
        )
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", prefix):
        raise BadInput(_("--prefix {prefix!r}: use lower-case letters, digits and _").format(prefix=prefix))
    call = _Call(None, rules, db)
    with open_register(db, write=True) as register:
        granted = apply(register.connection, call.policy.rules, prefix)
    if as_json:
        render.emit_json(granted, UTC)
        return
    sys.stdout.write(
        _("roles {roles} granted on schema {schema}\n").format(roles=", ".join(granted["roles"]), schema=granted["schema"])
    )
    for login, roles in granted["members"].items():
        sys.stdout.write(f"  {login}: {', '.join(roles)}\n")
    for login in granted["no_login_yet"]:
        sys.stdout.write(
            _(
                "  {login}: no such login on the server yet; CREATE ROLE \"{login}\" LOGIN PASSWORD '…' and run this again\n"
            ).format(login=login)
        )


# ---------------------------------------------------------------- reports

report_app = typer.Typer(
    help=_("Statistics for a period: counts, indicators, breaches, hot spots."),
    invoke_without_command=True,
)
app.add_typer(report_app, name="report")

MonthOption = Annotated[str | None, typer.Option("--month", metavar="YYYY-MM", help=_("A month [default: last month]."))]
QuarterOption = Annotated[str | None, typer.Option("--quarter", metavar="YYYYQn", help=_("A quarter, e.g. 2026Q4."))]
YearOption = Annotated[str | None, typer.Option("--year", metavar="YYYY", help=_("A year."))]
FromOption = Annotated[str | None, typer.Option("--from", metavar="DATE", help=_("First day of a custom period."))]
ToOption = Annotated[str | None, typer.Option("--to", metavar="DATE", help=_("Last day of a custom period."))]
DepartmentScope = Annotated[str | None, typer.Option("--department", help=_("Only this department's complaints."))]
CategoryScope = Annotated[str | None, typer.Option("--category", help=_("Only this category (code or label)."))]
UnitScope = Annotated[
    str | None,
    typer.Option(
        "--unit",
        metavar="UNIT",
        help=_("Only this unit of the office rules and every unit below it (store → 营运部 → 客服中心)."),
    ),
]


def _period(
    call: _Call, month: str | None, quarter: str | None, year: str | None, date_from: str | None, date_to: str | None
) -> "Period":
    from . import periods

    chosen = [
        flag
        for flag, value in (("--month", month), ("--quarter", quarter), ("--year", year), ("--from/--to", date_from or date_to))
        if value
    ]
    if len(chosen) > 1:
        raise BadInput(_("give one period, not {periods}").format(periods=_(" and ").join(chosen)))
    try:
        if month:
            return periods.parse_month(month)
        if quarter:
            return periods.parse_quarter(quarter)
        if year:
            return periods.parse_year(year)
        if date_from or date_to:
            if not (date_from and date_to):
                raise BadInput(_("--from and --to go together: give both days of the period"))
            return periods.range_period(
                inputs.day(date_from, "--from", now=call.now, tz=call.tz), inputs.day(date_to, "--to", now=call.now, tz=call.tz)
            )
        return periods.last_month(call.now.astimezone(call.tz).date())
    except ValueError as exc:
        raise BadInput(str(exc)) from None


@report_app.callback()
def report_command(
    ctx: typer.Context,
    month: MonthOption = None,
    quarter: QuarterOption = None,
    year: YearOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    department: DepartmentScope = None,
    category: CategoryScope = None,
    unit: UnitScope = None,
    output_format: Annotated[str, typer.Option("--format", help=_("table | json | csv | md."))] = "table",
    fresh: Annotated[
        bool,
        typer.Option(
            "--fresh",
            help=_("Compute every figure from the history, not from the figures kept for ended periods (they are replaced)."),
        ),
    ] = False,
    analysis: Annotated[
        bool,
        typer.Option(
            "--analysis",
            help=_(
                "Draft the quarterly written analysis (.docx, or Markdown with --format md) [default period: the last quarter]."
            ),
        ),
    ] = False,
    check: Annotated[
        str | None,
        typer.Option(
            "--check", metavar="FILE", help=_("Count the manager's own characters in an analysis before it is sent up.")
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option("-o", "--output", metavar="FILE", help=_("Where --analysis writes [default: here].")),
    ] = None,
    db: DbOption = None,
    rules: RulesOption = None,
    as_json: JsonOption = False,
) -> None:
    """Statistics for a period beside the previous one: counts by category, channel,
    severity, origin, department and status; on-time rates, handling time, satisfaction,
    repeat and reopen rates, compensation, breaches by department and assignee; hot spots.
    The figures of ended periods are kept in the register and reused until a change
    touches them. `complaintctl report trend` shows the last 12 months."""
    if ctx.invoked_subcommand is not None:
        return
    from . import render, reports

    if check is not None:
        _check_analysis(_path(check))
        return
    call = _Call("-", rules, db)
    fmt = "json" if as_json else output_format.strip().lower()
    if fmt not in ("table", "json", "csv", "md"):
        raise BadInput(_("--format {output_format!r}: use table, json, csv or md").format(output_format=output_format))
    if analysis and fmt not in ("table", "md"):
        raise BadInput(_("--analysis writes a .docx, or Markdown with --format md"))
    if analysis and not (month or quarter or year or date_from or date_to):
        from . import periods

        period = periods.last_quarter(call.now.astimezone(call.tz).date())
    else:
        period = _period(call, month, quarter, year, date_from, date_to)
    scope = call.scope(department, category, unit)
    from .dbapi import open_register

    kept: list[dict[str, Any]] = []
    data = _lean_read(
        db,
        lambda r: reports.report(
            r,
            period,
            scope,
            policy=call.policy,
            now=call.now,
            beside=lambda: open_register(db, write=False),
            kept=kept,
            fresh=fresh,
        ),
    )
    if analysis:
        _write_analysis(call, data, period, fmt, output)
    elif fmt == "json":
        render.emit_json(data, call.tz)
    else:
        render.report(data, reports.report_tables(data, call.policy), fmt, call.tz)
    if kept:
        _store_figures(db, kept, call.now)


def _write_analysis(call: _Call, data: dict[str, Any], period: Any, fmt: str, output: str | None) -> None:
    """Draft the written analysis of `period` as .docx (or Markdown) at `output`."""
    from . import analysis, reports

    blocks = analysis.draft(
        data,
        reports.report_tables(data, call.policy),
        office=call.policy.rules.office_name,
        category_label=call.policy.rules.category_label,
        kind=period.kind,
    )
    if fmt == "md" and output is None:
        sys.stdout.write(analysis.to_markdown(blocks))
        return
    suffix = "md" if fmt == "md" else "docx"
    path = _output_path(output, _("投诉统计分析_{period}.{suffix}").format(period=period.label, suffix=suffix))
    partial = path.with_name(f".{path.name}.partial")
    try:
        if fmt == "md":
            partial.write_text(analysis.to_markdown(blocks), encoding="utf-8")
        else:
            analysis.write_docx(blocks, partial)
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BadInput(_("-o {path}: cannot write it ({strerror})").format(path=path, strerror=exc.strerror)) from None
    typer.echo(
        _(
            "{path}: the analysis of {period}; write in the places marked 【】, then check it with `complaintctl report --check {path}`"
        ).format(path=path, period=period.label)
    )


def _output_path(output: str | None, default_name: str) -> "Path":
    """Where -o says to write (a file, or a folder to put `default_name` in), else
    `default_name` here; refused in one line when its folder does not exist."""
    path = _path(output or default_name)
    if path.is_dir():
        path = path / default_name
    if not path.parent.exists():
        raise BadInput(_("-o {path}: the folder {parent} does not exist").format(path=path, parent=path.parent))
    return path


def _check_analysis(path: "Path") -> None:
    """Whether the manager wrote enough of an analysis (seed 002: at least 500 characters)."""
    from . import analysis

    if not path.is_file():
        raise BadInput(_("--check {path}: no such file").format(path=path))
    try:
        written = analysis.written_characters(path)
    except Exception:  # not a Word document, or not one python-docx can read  # noqa: BLE001
        raise BadInput(_("--check {path}: not an analysis (.docx or Markdown) this tool can read").format(path=path)) from None
    if written < analysis.LEAST_WRITTEN:
        raise BadInput(
            _(
                "{path}: {written} of at least {least} characters written by the manager; write more under "
                "成功之处, 需要改进 and 需要公司支持 (headings, figures and the text in 【】 do not count)"
            ).format(path=path, written=written, least=analysis.LEAST_WRITTEN)
        )
    typer.echo(
        _("{path}: {written} characters written by the manager (at least {least}): ready to send").format(
            path=path, written=written, least=analysis.LEAST_WRITTEN
        )
    )


def _store_figures(db: str | None, kept: list[dict[str, Any]], now: datetime) -> None:
    """Keep the figures of ended periods the report computed, for the next report of them:
    after the report is printed, in a short transaction of its own. Only a cache: on a
    register this user may not write (a read-only file or role), nothing is kept."""
    from . import reports

    sys.stdout.flush()
    try:
        _lean_write(db, lambda r: reports.store_figures(r, kept, now))
    except StorageError:
        pass


@report_app.command("submit")
def report_submit_command(
    unit: Annotated[str, typer.Option("--unit", metavar="UNIT", help=_("The unit whose report it is."))],
    month: MonthOption = None,
    quarter: QuarterOption = None,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a unit's report as sent up: its monthly report (--month) or its quarterly
    written analysis (--quarter). Until then `overdue` reminds it (the reporting calendar,
    [org] report_due)."""
    from . import periods, render, service

    call = _Call(operator, rules, db)
    found = call.unit(unit)
    if bool(month) == bool(quarter):
        raise BadInput(_("give --month (the monthly report) or --quarter (the written analysis)"))
    try:
        period = periods.parse_month(month) if month else periods.parse_quarter(quarter or "")
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    kind = "monthly" if month else "analysis"
    done = _lean_write(
        db,
        lambda r: service.submit_report(r, unit=found.key, kind=kind, period=period.label, now=call.now, actor=call.actor),
    )
    if as_json:
        render.emit_json(done, call.tz)
        return
    what = _("月报") if kind == "monthly" else _("季度分析")
    at = f"{done['submitted_at'].astimezone(call.tz):%Y-%m-%d %H:%M}"
    if done["new"]:
        typer.echo(_("{unit} {period} {what}: recorded as sent").format(unit=found.label, period=period.label, what=what))
    else:
        typer.echo(
            _("{unit} {period} {what}: already recorded as sent, {at} by {actor}").format(
                unit=found.label, period=period.label, what=what, at=at, actor=done["actor"]
            )
        )


@report_app.command("daily")
def report_daily_command(
    day: Annotated[str | None, typer.Option("--date", metavar="DATE", help=_("The day [default: yesterday]."))] = None,
    notify: Annotated[
        bool, typer.Option("--notify", help=_("Send it to those the rules name under [notify] daily, once per day."))
    ] = False,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """The daily report of major cases (seed 001 §7.2.2): major and critical complaints
    received that day and those still open, with their next deadline."""
    from datetime import timedelta

    from . import service

    call = _Call(operator, rules, db)
    wanted = (
        inputs.day(day, "--date", now=call.now, tz=call.tz) if day else (call.now.astimezone(call.tz) - timedelta(days=1)).date()
    )
    found: dict[str, dict[str, Any]] = {}
    for severity in ("critical", "major"):
        for filters in (
            service.ListFilter(severity=severity, received_from=wanted, received_to=wanted, limit=100_000),
            service.ListFilter(severity=severity, statuses=service.OPEN_STATUSES, limit=100_000),
        ):
            for record in _lean_read(db, lambda r, f=filters: service.list_complaints(r, f, policy=call.policy, now=call.now)):
                found.setdefault(record["no"], record)
    cases = sorted(found.values(), key=lambda r: r["no"])
    title = _("major cases, {day}: {count}").format(day=wanted.isoformat(), count=len(cases))
    lines = [title]
    for record in cases:
        state = _("open") if record["status"] != "closed" else _("closed")
        lines.append(
            f"{record['no']} {_(domain.Severity(record['severity']).label)} "
            f"{record['department'] or _(domain.NOT_ASSIGNED)} {state} {record['subject'] or ''}".rstrip()
        )
    if as_json:
        from . import render

        render.emit_json(
            {
                "date": wanted,
                "cases": [{k: r[k] for k in ("no", "severity", "status", "department", "assignee", "subject")} for r in cases],
            },
            call.tz,
        )
    else:
        typer.echo("\n".join(lines))
    if notify:
        from .service import notify as notifying

        procedures = call.policy.rules.procedures
        targets = procedures.notify["daily"] if procedures else ()
        if not targets:
            raise BadInput(_("nobody to send it to; name them in the office rules under [notify] daily = [...]"))
        messages = [
            notifying.Message(
                key=f"daily:{wanted.isoformat()}:{target}",
                kind="daily",
                target=target,
                title=title,
                body="\n".join(lines),
                due_at=call.now,
            )
            for target in targets
        ]
        claimed = _lean_write(db, lambda r: notifying.claim(r, messages, now=call.now))
        results = notifying.send(claimed, call.policy)
        _lean_write(db, lambda r: notifying.settle(r, results, now=call.now, actor=call.actor))
        for message, state, _channel, _error in results:
            typer.echo(_("daily report to {to}: {state}").format(to=message.target, state=state), err=True)


notify_app = typer.Typer(help=_("Alerts to people: try a destination."), no_args_is_help=True)
app.add_typer(notify_app, name="notify")


@notify_app.command("test")
def notify_test_command(
    target: Annotated[
        str, typer.Argument(metavar="TARGET", help=_("A person, role, department or escalation level of the rules."))
    ],
    db: DbOption = None,
    rules: RulesOption = None,
) -> None:
    """Send a test message to a target's destinations and say whether it went through
    (the URL is never printed: it carries a token)."""
    from .service import notify as notifying

    call = _Call("-", rules, db)
    urls = notifying.destinations(target, {}, call.policy)
    if not urls:
        raise BadInput(_('{target!r} has no destination; give it reach = ["URL"] in the office rules').format(target=target))
    message = notifying.Message(
        key="test",
        kind="test",
        target=target,
        title=_("complaintctl test message"),
        body=_("If you read this, alerts reach you."),
        due_at=call.now,
    )
    ((_message, state, channel, error),) = notifying.send([message], call.policy)
    if state != "sent":
        raise BadInput(_("{target}: not sent through {channel} ({error})").format(target=target, channel=channel, error=error))
    typer.echo(_("sent to {to} ({channel}): {title}").format(to=target, channel=channel, title=message.title))


@report_app.command("trend")
def report_trend_command(
    months: Annotated[int, typer.Option(min=2, max=60, help=_("How many months."))] = 12,
    current: Annotated[
        bool, typer.Option("--current", help=_("End with the running month (marked as partial), not the last complete one."))
    ] = False,
    department: DepartmentScope = None,
    category: CategoryScope = None,
    unit: UnitScope = None,
    output_format: Annotated[str, typer.Option("--format", help=_("table | json | csv | md."))] = "table",
    db: DbOption = None,
    rules: RulesOption = None,
    as_json: JsonOption = False,
) -> None:
    """Month by month: complaints received (beside the same month a year before),
    resolution on-time rate and satisfied share, with a bar chart. The window ends with
    the last complete month unless --current."""
    from datetime import timedelta

    from . import periods, render, reports

    call = _Call("-", rules, db)
    fmt = "json" if as_json else output_format.strip().lower()
    if fmt not in ("table", "json", "csv", "md"):
        raise BadInput(_("--format {output_format!r}: use table, json, csv or md").format(output_format=output_format))
    today = call.now.astimezone(call.tz).date()
    span = periods.trailing_months(today if current else today.replace(day=1) - timedelta(days=1), months)
    scope = call.scope(department, category, unit)
    data = _lean_read(db, lambda r: reports.trend(r, span, scope, policy=call.policy, now=call.now))
    if fmt == "json":
        render.emit_json(data, call.tz)
    elif fmt == "table":
        render.trend(data, call.tz)
    else:
        table = reports.trend_table(data)
        render.tables_out(table.title, "", [table], fmt)


@app.command("export")
def export_command(
    month: MonthOption = None,
    quarter: QuarterOption = None,
    year: YearOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    output: Annotated[
        str | None,
        typer.Option("-o", "--output", metavar="FILE", help=_("Where to write [default: 客户投诉汇总_<period>.xlsx here].")),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help=_("xlsx (the workbook) or csv (the register sheet, UTF-8 with BOM)."))
    ] = "xlsx",
    unit: UnitScope = None,
    unmasked: Annotated[
        bool, typer.Option("--unmasked", help=_("Show customers' contacts in full; the export is recorded in the register."))
    ] = False,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """The monthly workbook for management: 投诉登记表 (the register), 处理记录 (contacts and
    history), 统计汇总 (the report's figures and charts) and 超期清单 (breaches). Contacts are
    masked unless --unmasked."""

    from . import export, periods, render, reports, service
    from .db import open_session
    from .dbapi import open_register, over_session

    call = _Call(operator, rules, db)
    if unmasked:
        call.require("export_unmasked")
    fmt = output_format.strip().lower()
    if fmt not in ("xlsx", "csv"):
        raise BadInput(_("--format {output_format!r}: use xlsx or csv").format(output_format=output_format))
    period = _period(call, month, quarter, year, date_from, date_to)
    scope = call.scope(None, None, unit)
    path = _output_path(output, export.default_filename(period, fmt))
    partial = path.with_name(f".{path.name}.partial")
    kept: list[dict[str, Any]] = []
    try:
        with open_session(db, write=False) as session:
            lean = over_session(session)

            # The missed deadlines mark the register rows, then fill 超期清单: read twice rather
            # than held (a year of a big register has 100,000 of them).
            def breaches() -> Any:
                return reports.breach_list(lean, period, scope, policy=call.policy, now=call.now)

            register = export.register_rows(
                session, period, policy=call.policy, unmasked=unmasked, late=export.late_milestones(breaches()), scope=scope
            )
            if fmt == "csv":
                counts = {"投诉登记表": export.write_csv(partial, register, export.register_columns(call.policy))}
            else:
                data = reports.report(
                    lean,
                    period,
                    scope,
                    policy=call.policy,
                    now=call.now,
                    beside=lambda: open_register(db, write=False),
                    kept=kept,
                )
                trend = reports.trend(lean, periods.trailing_months(period.end, 12), scope, policy=call.policy, now=call.now)
                counts = export.write_workbook(
                    partial,
                    period=period,
                    register=register,
                    handling=export.handling_rows(session, period, policy=call.policy, unmasked=unmasked, scope=scope),
                    report=data,
                    tables=reports.report_tables(data, call.policy),
                    trend=trend,
                    breaches=breaches(),
                    policy=call.policy,
                    unmasked=unmasked,
                    now=call.now,
                    warn=lambda line: typer.echo(line, err=True),
                    unit_label=data["scope"].get("unit_label", ""),
                )
        partial.replace(path)  # a reader never sees half a workbook
        if call.policy.rules.file_mode != 0o600:  # the office shares its exports ([office] file_mode)
            os.chmod(path, call.policy.rules.file_mode)
        if kept:
            _store_figures(db, kept, call.now)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BadInput(_("-o {path}: cannot write it ({strerror})").format(path=path, strerror=exc.strerror)) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if unmasked:
        _write(
            db,
            lambda s: (
                service.record_export(
                    s, period=period.label, path=str(path.resolve()), rows=counts, unmasked=True, now=call.now, actor=call.actor
                )
                or {}
            ),
        )
    summary = {"file": str(path), "period": period.label, "rows": counts, "unmasked": unmasked}
    if as_json:
        render.emit_json(summary, call.tz)
    else:
        sys.stdout.write(
            f"{path}: "
            + ", ".join(
                ngettext("{sheet} {count} 行", "{sheet} {count} 行", v).format(sheet=k, count=v) for k, v in counts.items()
            )
            + (_(" (联系方式未遮蔽, 已记录)") if unmasked else "")
            + "\n"
        )


# ---------------------------------------------------------------- import


class _DryRun(Exception):
    """Raised inside the import's transaction to roll it back after counting."""

    def __init__(self, result: Any) -> None:
        self.result = result


@app.command("import")
def import_command(
    file: Annotated[str, typer.Argument(metavar="FILE", help=_("An .xlsx workbook or a .csv file (UTF-8 or GBK/GB18030)."))],
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="HEADER=FIELD",
            help=_("Place a column the tool does not know (repeatable); field 'ignore' skips it."),
        ),
    ] = None,
    sheet: Annotated[str | None, typer.Option(help=_("Only this sheet of the workbook."))] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Check everything and say what would be imported; write nothing."))
    ] = False,
    update_existing: Annotated[
        bool, typer.Option("--update", help=_("Update complaints already in the register instead of skipping them."))
    ] = False,
    add_departments: Annotated[
        bool,
        typer.Option(
            "--add-departments",
            help=_("Add the sheet's departments the office rules do not know (recorded like `department add`)."),
        ),
    ] = False,
    db: DbOption = None,
    rules: RulesOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Bring an existing register in from a spreadsheet. Columns are matched by their
    Chinese or English headings; a bad row anywhere means nothing is written and every bad
    row is listed; importing the same file again adds nothing twice."""

    from . import importing, render, service
    from .db import open_session, require_register

    call = _Call(operator, rules, db)
    require_register(db, create="default")  # before reading the file: a typo'd --db says so at once
    path = _path(file)
    if not path.is_file():
        raise BadInput(_("{file}: no such file").format(file=file))
    columns = importing.parse_mapping(mapping or [], call.policy.rules)
    with _progress(_("检查"), None) as tick:
        loaded = importing.load(
            path, rules=call.policy.rules, tz=call.tz, now=call.now, mapping=columns, sheet=sheet, on_row=lambda: tick(1)
        )
    if loaded.errors:
        if as_json:
            render.emit_json({"errors": [e.__dict__ for e in loaded.errors], "warnings": loaded.warnings}, call.tz)
        for problem in loaded.errors:
            render.error(str(problem))
    for warning in loaded.warnings:  # after the errors: what must be fixed comes first
        sys.stderr.write(_("warning: {warning}\n").format(warning=warning))
    if loaded.errors:
        render.error(
            _("{count} problem(s) in {name}; nothing was imported. Fix them and import again.").format(
                count=len(loaded.errors), name=path.name
            )
        )
        raise typer.Exit(2)
    unknown = loaded.unknown_departments
    if unknown and not add_departments:
        known = [d.name for d in call.policy.rules.departments]
        listed = "; ".join(
            name
            + _(" ({count} rows)").format(count=count)
            + (
                _(", did you mean {names}?").format(names=" / ".join(near))
                if (near := call.policy.rules.closest(name, known))
                else ""
            )
            for name, count in sorted(unknown.items(), key=lambda item: -item[1])
        )
        raise BadInput(
            _(
                "{name}: departments the office rules do not know: {listed}. Correct them in the sheet (or place them with --map), or add them all with --add-departments; nothing was imported"
            ).format(name=path.name, listed=listed)
        )

    def run(session: "Session") -> Any:
        if unknown:  # --add-departments: in the import's own transaction
            _add_departments(session, sorted(unknown), call, db, rules)
        with _progress(_("导入"), len(loaded.rows)) as tick:
            result = service.import_complaints(
                session,
                loaded.rows,
                source=path.name,
                update_existing=update_existing,
                now=call.now,
                actor=call.actor,
                policy=call.policy,
                progress=tick,
            )
        if dry_run:
            raise _DryRun(result)
        return result

    try:
        with open_session(db, write=True, create="default") as session:
            session.info["clock_mark"] = _clock_mark
            result = run(session)
    except _DryRun as dry:
        result = dry.result
    summary = {
        **result.as_dict(),
        "rows": len(loaded.rows),
        "dry_run": dry_run,
        "warnings": loaded.warnings,
        "columns": loaded.columns,
    }
    if as_json:
        render.emit_json(summary, call.tz)
        return
    verb = _("would import") if dry_run else _("imported")
    numbers = result.imported
    span = f" ({numbers[0]} … {numbers[-1]})" if len(numbers) > 1 else f" ({numbers[0]})" if numbers else ""
    sys.stdout.write(
        _("{name}: {rows} rows read; {verb} {count}{span}; {skip_verb} {skipped} already in the register").format(
            name=path.name,
            rows=len(loaded.rows),
            verb=verb,
            count=len(numbers),
            span=span,
            skip_verb=_("would skip") if dry_run else _("skipped"),
            skipped=len(result.skipped),
        )
        + (
            _("; {update_verb} {updated}").format(
                update_verb=_("would update") if dry_run else _("updated"), updated=len(result.updated)
            )
            if update_existing
            else ""
        )
        + ("" if not dry_run else _("; nothing was written"))
        + "\n"
    )


@contextmanager
def _progress(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal's stderr; nothing when output is piped or tested."""
    if not sys.stderr.isatty():
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


# ---------------------------------------------------------------- trust


@app.command("verify")
def verify_command(
    db: DbOption = None,
    anchor_file: Annotated[
        str | None,
        typer.Option(
            "--anchor",
            metavar="FILE",
            help=_(
                "A file kept outside the register's account: the chain must extend the head it holds last; an intact chain's head is appended to it."
            ),
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check that nobody rewrote the register: every history entry against the hash chain,
    every complaint's row, deadlines, contact log, fields and attachments against what its
    history sealed, the office rules against their installation. With --anchor, also that
    the chain still passes through the head anchored before (a chain recomputed whole
    fails). Exit 0 when intact, 4 when not."""

    from . import render
    from .service.verify import anchor_line, check_anchor, parse_anchor, verify

    anchor = _path(anchor_file) if anchor_file else None
    anchored = None
    if anchor is not None:
        try:
            anchored = parse_anchor(anchor.read_text(encoding="utf-8") if anchor.exists() else "", str(anchor))
        except (OSError, UnicodeDecodeError, ValueError) as exc:  # ValueError: a NUL in the path
            raise BadInput(
                _("cannot read the anchor {file}: {exc}; give a text file `verify --anchor` wrote").format(
                    file=render.visible(str(anchor)), exc=exc
                )
            ) from None
    try:
        report = _read(db, lambda s: verify(s, anchored=anchored[1] if anchored else None))
        if anchored is not None:
            check_anchor(report, anchored)
        if anchor is not None and report["intact"]:
            import os

            try:
                fd = os.open(anchor, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                with os.fdopen(fd, "a", encoding="utf-8") as out:
                    out.write(anchor_line(report, datetime.now(UTC).isoformat(timespec="seconds")))
            except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
                raise BadInput(
                    _("--anchor {file}: cannot write the head there ({strerror}); give a file in a folder that exists").format(
                        file=render.visible(str(anchor)), strerror=getattr(exc, "strerror", None) or exc
                    )
                ) from None
    except StorageError as exc:
        from .backup import NotIntact
        from .db import _sqlite_path, database_url

        path = _sqlite_path(database_url(db))
        if path is None or not path.exists():
            raise
        # A file there that SQLite cannot read as a register: corrupt, truncated, overwritten.
        raise NotIntact(
            _("not intact: {message}; put a backup in its place with `complaintctl restore FILE`").format(message=exc.message)
        ) from None
    if as_json:
        render.emit_json(report, UTC)
    elif report["intact"]:
        sys.stdout.write(
            _("intact: {entries} history entries, {complaints} complaints; chain head {head}\n").format(
                entries=report["entries"], complaints=report["complaints"], head=report["head"][:16]
            )
        )
    else:
        for item in report["problems"]:
            where = item["no"] or "register"
            entry = _(" (history entry {entry})").format(entry=item["entry"]) if item["entry"] else ""
            sys.stdout.write(f"{where}{entry}: {item['problem']}\n")
        sys.stdout.write(
            _("NOT INTACT: {count} problem(s) in {entries} history entries, {complaints} complaints\n").format(
                count=len(report["problems"]), entries=report["entries"], complaints=report["complaints"]
            )
        )
    if not report["intact"]:
        raise typer.Exit(4)


@app.command("audit")
def audit_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """What was done to the register as a whole, oldest first: who exported or listed
    customers' data (unmasked or not) and when, and who installed the office rules."""
    from . import render, service

    events = _read(db, service.register_events)
    if as_json:
        render.emit_json(events, UTC)
        return
    tz = _Call("-", None, db).tz
    for event in events:
        details = ", ".join(f"{k}={v}" for k, v in event["details"].items())
        sys.stdout.write(f"{render.local_time(event['at'], tz)}  {event['actor']}  {event['action']}  {details}\n")
    if not events:
        sys.stdout.write(_("no exports, unmasked lists or rules installed yet\n"))


@app.command("backup")
def backup_command(
    file: Annotated[
        str | None, typer.Argument(metavar="[FILE]", help=_("Where to write it [default: complaintctl-backup-<time>.db here]."))
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Copy the register, consistently, while others keep working (SQLite's online backup);
    the copy is readable only by you. For PostgreSQL it says how to use pg_dump."""
    from pathlib import Path

    from . import backup, render, service

    now = datetime.now(UTC)
    target = _path(file) if file else Path(backup.default_backup_name(now))
    written = backup.backup(db, target)
    # Recorded in the register (not in the copy): `forget` lists the copies made before it.
    actor = _Call(None, None, db).actor
    _write(db, lambda s: service.record_backup(s, path=str(written.resolve()), now=now, actor=actor) or {})
    if as_json:
        render.emit_json({"backup": str(written)}, UTC)
    else:
        sys.stdout.write(f"{written}\n")


@app.command("restore")
def restore_command(
    file: Annotated[str, typer.Argument(metavar="FILE", help=_("A backup made by `complaintctl backup`."))],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Put a backup in place of the register: refused unless the backup passes `verify`;
    the current register is kept aside first, even a corrupt one (moved, not read)."""

    from . import backup, render
    from .service.verify import verify

    def check(path: str) -> dict:
        return _read(path, verify)

    try:
        call = _Call(None, None, db)
    except ComplaintError:
        call = None  # a register that cannot be read cannot say who may restore it: recovery goes first
    if call is not None:
        call.require("restore")
    now = datetime.now(UTC)
    aside = backup.restore(db, _path(file), check, now)
    if as_json:
        render.emit_json({"restored": file, "kept_aside": str(aside) if aside else None}, UTC)
    elif aside is None:
        sys.stdout.write(_("restored {file}; there was no register there before\n").format(file=file))
    else:
        sys.stdout.write(_("restored {file}; the register as it was is kept at {aside}\n").format(file=file, aside=aside))


@app.command("forget")
def forget_command(
    customer: Annotated[str, typer.Option(help=_("The customer's name as registered."))],
    contact: Annotated[
        str | None, typer.Option(help=_("Their phone or e-mail, to tell apart customers of the same name."))
    ] = None,
    reason: Annotated[str | None, typer.Option(help=_("Why (e.g. the customer's request and its date). {required}"))] = None,
    db: DbOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Erase a customer's personal data (name, contact, and the fields the rules mark
    personal, such as 住址) from their closed cases on request; the history keeps that it
    happened, not the data, and `verify` still passes."""
    from . import render, service

    call = _Call(operator, None, db)
    call.require("forget")
    name = inputs.text(customer, "--customer", required=True, single_line=True)
    why = _ask(reason, _("理由"), "--reason", _long_text("--reason"))
    from .db import checkpoint

    done = _write(
        db,
        lambda s: service.forget_customer(
            s,
            customer=name,
            contact=contact,
            reason=why,  # type: ignore[arg-type]
            now=call.now,
            actor=call.actor,
            personal_fields=tuple(f.key for f in call.policy.rules.fields if f.personal),
        ),
    )
    numbers = done["complaints"]
    from .attachments import remove_blobs

    remove_blobs(db, done["unreferenced"])
    flushed = checkpoint(db)  # the rewritten pages leave the -wal file as well
    if as_json:
        render.emit_json({"forgotten": numbers, "wal_emptied": flushed, "copies": done["copies"]}, call.tz)
        return
    sys.stdout.write(
        _("personal data erased from {count} complaint(s): {numbers}\n").format(count=len(numbers), numbers=", ".join(numbers))
    )
    if flushed is False:
        sys.stdout.write(
            _(
                "note: a reader kept the write-ahead log busy; run `complaintctl forget` again later, or stop the shells, to empty it\n"
            )
        )
    for copy in done["copies"]:
        sys.stdout.write(
            _("still in a copy made {at}: {file}\n").format(at=render.local_time(copy["at"], call.tz), file=copy["file"])
        )


@app.command("attach")
def attach_command(
    no: NoArgument,
    files: Annotated[
        list[str], typer.Argument(metavar="FILE...", help=_("Documents, recordings, photos, e-mails to keep as evidence."))
    ],
    note: Annotated[str | None, typer.Option(help=_("What they are (e.g. 客户提供的发票照片)."))] = None,
    db: DbOption = None,
    operator: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Keep evidence with a complaint: each file's bytes once per content beside
    the register (in the database on PostgreSQL), its name and SHA-256 in the history;
    `verify` re-hashes them, `backup` and `restore` carry them, `forget` removes them."""

    from . import render, service

    call = _Call(operator, None, db)
    number = inputs.complaint_no(no)
    why = inputs.text(note, "--note")
    limit = call.policy.rules.limits.attachment_bytes
    loaded = []
    for file in files:
        path = _path(file)
        try:
            if path.stat().st_size > limit:
                raise BadInput(
                    _("{file}: {size:,} bytes, more than the office's limit of {limit:,} ([limits] attachment_mb)").format(
                        file=file, size=path.stat().st_size, limit=limit
                    )
                )
            loaded.append((path.name, path.read_bytes()))
        except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
            raise BadInput(
                _("{file}: cannot read it ({strerror})").format(
                    file=render.visible(file), strerror=getattr(exc, "strerror", None) or exc
                )
            ) from None
    result = _write(db, lambda s: service.attach(s, number, loaded, note=why, limit=limit, now=call.now, actor=call.actor))
    if as_json:
        render.emit_json(result, call.tz)
        return
    for item in result["attached"]:
        sys.stdout.write(f"{result['no']} {render.visible(item['name'])} {item['size']:,} {item['sha256'][:12]}\n")


@app.command("attachments")
def attachments_command(
    no: NoArgument,
    extract: Annotated[
        str | None, typer.Option(metavar="DIR", help=_("Write the files into DIR (made 0700; files 0600)."))
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List a complaint's evidence, or get the files back with --extract DIR."""
    import os

    from . import attachments, render, service
    from .db import open_session
    from .service.evidence import safe_name

    call = _Call("-", None, db)
    number = inputs.complaint_no(no)
    written = []
    with open_session(db, write=False) as session:
        items = service.attachments_of(session, number)
        if extract:
            target = _path(extract)
            try:
                target.mkdir(mode=0o700, parents=True, exist_ok=True)
                for item in items:
                    data = attachments.get(session, item["sha256"])
                    if data is None or attachments.digest(data) != item["sha256"]:
                        raise StorageError(
                            _("{name}: its kept bytes are missing or changed; `complaintctl verify` says more").format(
                                name=render.visible(item["name"])
                            )
                        )
                    name = safe_name(item["name"])
                    path = target / name
                    stem, n = path, 1
                    while path.exists():
                        path = stem.with_name(f"{stem.stem}-{n}{stem.suffix}")
                        n += 1
                    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
                    with os.fdopen(fd, "wb") as out:
                        out.write(data)
                    written.append(str(path))
            except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
                raise BadInput(
                    _("--extract {dir}: cannot write there ({strerror})").format(
                        dir=render.visible(extract), strerror=getattr(exc, "strerror", None) or exc
                    )
                ) from None
    if as_json:
        render.emit_json({"attachments": items, "written": written}, call.tz)
        return
    for item in items:
        sys.stdout.write(
            f"{render.local_time(item['at'], call.tz)}  {render.visible(item['name'])}  {item['size']:,}  {item['sha256'][:12]}"
            f"  {render.visible(item['note'] or '')}\n"
        )
    for path in written:
        sys.stdout.write(_("written {path}\n").format(path=path))


@app.command("shell")
def shell_command(db: DbOption = None, rules: RulesOption = None) -> None:
    """An interactive session for a terminal kept open all day: every command, same syntax,
    started once (history, Tab completion of commands, options, numbers, categories,
    departments and assignees; Ctrl-C cancels the line, Ctrl-D leaves)."""
    from . import shell

    shell.run(app, db=db, rules=rules)


# One example per command, ending its help (the values are what a clerk would type).
EXAMPLES = {
    "log": "complaintctl log --customer 张三 --contact 13800138000 --channel 电话 --content '洗衣机漏水'",
    "list": "complaintctl list --status open --overdue",
    "show": "complaintctl show TS-2026-0042",
    "classify": "complaintctl classify TS-2026-0042 --severity major --reason 涉及安全",
    "assign": "complaintctl assign TS-2026-0042 --department 售后服务部 --to 李四",
    "contact": "complaintctl contact TS-2026-0042 --via phone --summary '已致电说明处理方案'",
    "resolve": "complaintctl resolve TS-2026-0042 --solution '上门更换配件' --cause 产品缺陷",
    "followup": "complaintctl followup TS-2026-0042 --satisfaction B",
    "extend": "complaintctl extend TS-2026-0042 --to '2026-12-01 18:00' --reason 等待厂家配件",
    "wait": "complaintctl wait TS-2026-0042 --reason 等客户提供发票",
    "resume": "complaintctl resume TS-2026-0042",
    "close": "complaintctl close TS-2026-0042 --reason 重复投诉",
    "edit": "complaintctl edit TS-2026-0042 --field 联系方式=13900139000 --reason 记错号码",
    "overdue": "complaintctl overdue --skip-holidays",
    "recompute": "complaintctl recompute",
    "init": "complaintctl init",
    "export": "complaintctl export --month 2026-10",
    "import": "complaintctl import 客户投诉登记表.xlsx --dry-run",
    "verify": "complaintctl verify --anchor /mnt/usb/anchor.txt",
    "audit": "complaintctl audit",
    "backup": "complaintctl backup -o /mnt/backup/",
    "restore": "complaintctl restore complaintctl-backup-20261123.db",
    "forget": "complaintctl forget --customer 张三 --contact 13800138000 --reason '客户 11月20日 来电要求'",
    "attach": "complaintctl attach TS-2026-0042 发票.jpg --note 客户提供的发票照片",
    "attachments": "complaintctl attachments TS-2026-0042 --extract ./evidence",
    "shell": "complaintctl shell",
    "rules": "complaintctl rules show > rules.toml",
    "rules show": "complaintctl rules show > rules.toml",
    "rules install": "complaintctl rules install rules.toml",
    "rules check": "complaintctl rules check rules.toml",
    "department": "complaintctl department list",
    "department list": "complaintctl department list",
    "department add": "complaintctl department add 门店管理部",
    "db": "complaintctl db current",
    "db current": "complaintctl db current",
    "db upgrade": "complaintctl db upgrade",
    "db roles": "complaintctl db roles",
    "report": "complaintctl report --month 2026-10",
    "report trend": "complaintctl report trend --months 12",
    "report submit": "complaintctl report submit --unit 朝阳店 --month 2026-10",
    "report daily": "complaintctl report daily --notify",
    "step": "complaintctl step TS-2026-0042 report_back --note '已电话告知首问人'",
    "action": "complaintctl action TS-2026-0042 --corrective '更换供应商' --preventive '入库抽检' --owner 王五",
    "plan": "complaintctl plan TS-2026-0042 --steps '上门检测, 更换压缩机'",
    "escalate": "complaintctl escalate TS-2026-0042 --to 分管领导 --reason 客户要求负责人出面",
    "notify": "complaintctl notify test 值班经理",
    "notify test": "complaintctl notify test 值班经理",
}


def _example(name: str) -> str:
    # \b keeps Click from re-flowing the command line.
    return "\b\n" + _("Example:") + "\n  " + EXAMPLES[name]


def _help_in_the_user_language() -> None:
    """A command's help is its docstring in the user's language (the catalogs carry the
    docstrings as they are cleaned for display), and it ends with an example."""
    import inspect

    groups = [(f"{group.name} ", group.typer_instance) for group in app.registered_groups if group.typer_instance]
    for prefix, typer_app in [("", app), *groups]:
        if prefix:
            typer_app.info.epilog = _example(prefix.strip())
        for info in typer_app.registered_commands:
            if info.help is None and info.callback is not None and info.callback.__doc__:
                info.help = _(inspect.cleandoc(info.callback.__doc__))
            info.epilog = _example(f"{prefix}{info.name}")


_help_in_the_user_language()
app.callback()(_no_options)
