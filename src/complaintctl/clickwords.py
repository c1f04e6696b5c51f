"""Click's and Typer's own words (Usage, Options, [required], Missing option …) in the
user's language.

The Click that Typer carries writes them in English without gettext, so they are
translated here: the help formatter writes the usage line and the help option's text
through `_()`, Typer's section titles and option notes go through `_()` once Typer's
module looks its `_` up here, and a usage error's message is matched against the
sentences Click builds (`usage_error`).
"""

from __future__ import annotations

import re
from typing import Any

from .i18n import N_, _

# The words Typer passes to gettext itself (typer/core.py); marked here so the catalogs
# carry them.
TYPER_WORDS = (
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("required"),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("Aborted!"),
    N_("Missing command."),
    N_("No such command {name!r}."),
)
HELP_OPTION = N_("Show this message and exit.")

# Click's sentences, as it builds them, and the same sentence to translate.
_SENTENCES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"No such option: (?P<name>\S+)", N_("no such option: {name}")),
        (r"No such command '(?P<name>.*)'\.", N_("no such command '{name}'")),
        (r"Missing option '(?P<name>[^']*)'\.?", N_("missing option '{name}'")),
        (r"Missing argument '(?P<name>[^']*)'\.?", N_("missing argument {name}")),
        (r"Missing parameter: (?P<name>\S+)", N_("missing {name}")),
        (r"Missing command\.", N_("missing command")),
        (r"Option '(?P<name>[^']*)' requires an argument\.", N_("option '{name}' needs a value")),
        (r"Option '(?P<name>[^']*)' does not take a value\.", N_("option '{name}' takes no value")),
        (r"Got unexpected extra arguments? \((?P<name>.*)\)", N_("unexpected extra argument ({name})")),
        (r"Did you mean (?P<name>.*)\?", N_("did you mean {name}?")),
        (r"\(Possible options: (?P<name>.*)\)", N_("(possible options: {name})")),
        (r"Invalid value for '(?P<name>[^']*)': ", N_("invalid value for '{name}': ")),
        (r"'(?P<name>.*)' is not a valid integer( range)?\.", N_("'{name}' is not a whole number")),
        (r"'(?P<name>.*)' is not a valid float( range)?\.", N_("'{name}' is not a number")),
        (r"(?P<name>\S+) is not in the range (?P<range>.*)\.", N_("{name} is not in the range {range}")),
    )
)


def usage_error(message: str) -> str:
    """A usage error Click wrote, in the user's language (sentence by sentence)."""
    from .i18n import current

    if current() == "C":
        return message
    for pattern, wanted in _SENTENCES:
        message = pattern.sub(lambda found, wanted=wanted: _(wanted).format(**found.groupdict()), message)
    return message


def install() -> None:
    """Make Click's help formatter and Typer's notes speak the user's language."""
    import typer.core
    from typer._click import core as click_core
    from typer._click.formatting import HelpFormatter

    class Formatter(HelpFormatter):
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            args = args.replace("[OPTIONS]", _("[OPTIONS]")).replace("COMMAND [ARGS]...", _("COMMAND [ARGS]..."))
            super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)

        def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
            rows = [(term, _(HELP_OPTION) if text == HELP_OPTION else text) for term, text in rows]
            super().write_dl(rows, col_max, col_spacing)

    click_core.Context.formatter_class = Formatter
    typer.core._ = _  # type: ignore[attr-defined]  # Typer's gettext, looked up at each call
