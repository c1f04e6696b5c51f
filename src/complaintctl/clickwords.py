"""Click's and Typer's own words (Usage, Options, [required], Missing option …) in the
user's language.

The Click that Typer carries writes them in English without gettext, so they are
translated here: the help formatter writes the usage line and the help option's text
through `_()`, Typer's section titles and option notes go through `_()` once Typer's
module looks its `_` up here, and a usage error's message is matched against the
sentences Click builds (`usage_error`).
"""

from __future__ import annotations

import functools
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
# Compiled when a usage error is shown, not at every start (start-up counts).
_SENTENCES: tuple[tuple[str, str], ...] = tuple(
    (pattern, message)
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


# The placeholders help shows for an option's value, as a person reads them. Typer's own
# (<str>, <int range>, {NO}) become plain words first.
_TYPER_METAVARS = {"<str>": "TEXT", "<int>": "N", "<int range>": "N", "<float>": "NUMBER", "<path>": "FILE"}
METAVARS = {
    "NO": N_("NO"),
    "FILE": N_("FILE"),
    "FILE...": N_("FILE..."),
    "WHEN": N_("WHEN"),
    "TEXT": N_("TEXT"),
    "N": N_("N"),
    "NUMBER": N_("NUMBER"),
    "NAME": N_("NAME"),
    "UNIT": N_("UNIT"),
    "DEPARTMENT": N_("DEPARTMENT"),
    "PERSON": N_("PERSON"),
    "AMOUNT": N_("AMOUNT"),
    "PATH_OR_URL": N_("PATH_OR_URL"),
    "FIELD=VALUE": N_("FIELD=VALUE"),
    "HEADER=FIELD": N_("HEADER=FIELD"),
    "DIR": N_("DIR"),
    "DAY": N_("DAY"),
    "DATE": N_("DATE"),
    "DURATION": N_("DURATION"),
    "PREFIX": N_("PREFIX"),
    "YYYY-MM": N_("YYYY-MM"),
    "YYYYQn": N_("YYYYQn"),
    "YYYY": N_("YYYY"),
    "SHEET": N_("SHEET"),
    "FORMAT": N_("FORMAT"),
    "NAME=TEXT": N_("NAME=TEXT"),
    "LEVEL": N_("LEVEL"),
    "METHOD": N_("METHOD"),
    "TARGET": N_("TARGET"),
    "STEP": N_("STEP"),
}


@functools.cache
def _metavar_pattern() -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(m) for m in sorted(METAVARS, key=len, reverse=True)) + r")(?![\w=-])")


def metavars(text: str) -> str:
    """An option's or a usage line's placeholders in the user's language."""
    for typer_word, word in _TYPER_METAVARS.items():
        text = text.replace(typer_word, word)
    text = re.sub(r"\{([A-Z_.]+)\}", r"\1", text)
    return _metavar_pattern().sub(lambda found: _(METAVARS[found[1]]), text)


_CHOICES = r"\{(Channel|Origin|Status|Severity|Priority|Urgency|CompensationKind|Satisfaction)\}"


def choices(text: str) -> str:
    """An option's help with each {Choice} placeholder replaced by its codes and labels
    (and, in Chinese, the other words accepted), worked out only when help is shown."""
    if "{" not in text:
        return text
    # Options a command asks for on a terminal when they are not given (not Click-required).
    text = text.replace("{required}", " [" + _("required") + "]")
    from . import domain
    from .i18n import current

    def listed(found: re.Match[str]) -> str:
        kind = getattr(domain, found[1])
        items = []
        for member in kind:
            shown = _(member.label)
            words = [] if current() == "en" or kind is domain.Status else [w for w in member.synonyms if not w.isascii()][:3]
            item = member.value if shown.casefold() == member.value.casefold() else f"{member.value} {shown}"
            items.append(item + (_("（{words}）").format(words=_("、").join(words)) if words else ""))
        return " | ".join(items)

    return re.sub(_CHOICES, listed, text)


def usage_error(message: str) -> str:
    """A usage error Click wrote, in the user's language (sentence by sentence)."""
    from .i18n import current

    if current() == "C":
        return message
    for pattern, wanted in _SENTENCES:
        message = re.sub(pattern, lambda found, wanted=wanted: _(wanted).format(**found.groupdict()), message)
    return message


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: CJK and full-width characters take two."""
    from unicodedata import category, east_asian_width

    return sum(0 if category(ch)[0] in "CM" else 2 if east_asian_width(ch) in "WF" else 1 for ch in text)


_CLOSING = set("。，、；：！？）」』”’》.,;:!?)]")
_OPENING = set("（「『“‘《([")


def _wide_wrapper() -> type:
    """Click's text wrapper measuring display columns, breaking between CJK characters."""
    from typer._click._textwrap import TextWrapper

    cjk = r"([\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f])"  # compiled at the first help shown

    class WideTextWrapper(TextWrapper):  # type: ignore[misc]
        def _split(self, text: str) -> list[str]:
            pieces: list[str] = []
            for piece in (p for chunk in super()._split(text) for p in re.split(cjk, chunk) if p):
                # A line never starts with closing punctuation nor ends with opening (禁则).
                if pieces and (piece[0] in _CLOSING or pieces[-1][-1] in _OPENING) and not pieces[-1].isspace():
                    pieces[-1] += piece
                else:
                    pieces.append(piece)
            return pieces

        def _wrap_chunks(self, chunks: list[str]) -> list[str]:
            lines: list[str] = []
            chunks.reverse()
            while chunks:
                line: list[str] = []
                used = 0
                indent = self.subsequent_indent if lines else self.initial_indent
                room = max(self.width - display_width(indent), 1)
                if self.drop_whitespace and chunks[-1].strip() == "" and lines:
                    del chunks[-1]
                while chunks:
                    size = display_width(chunks[-1])
                    if used + size <= room:
                        line.append(chunks.pop())
                        used += size
                    else:
                        break
                if chunks and display_width(chunks[-1]) > room and not line:
                    word = chunks.pop()
                    cut = 0
                    while cut < len(word) and display_width(word[: cut + 1]) <= room:
                        cut += 1
                    cut = max(cut, 1)
                    line.append(word[:cut])
                    chunks.append(word[cut:]) if word[cut:] else None
                if self.drop_whitespace and line and line[-1].strip() == "":
                    line.pop()
                if line:
                    lines.append(indent + "".join(line))
            return lines

    return WideTextWrapper


def install() -> None:
    """Make Click's help formatter and Typer's notes speak the user's language, and wrap
    Chinese text by the columns it takes rather than its characters."""
    import typer.core
    from typer._click import _textwrap, formatting
    from typer._click import core as click_core
    from typer._click.formatting import HelpFormatter

    _textwrap.TextWrapper = _wide_wrapper()
    formatting.term_len = display_width  # type: ignore[attr-defined]

    class Formatter(HelpFormatter):
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            args = args.replace("[OPTIONS]", _("[OPTIONS]")).replace("COMMAND [ARGS]...", _("COMMAND [ARGS]..."))
            super().write_usage(prog, metavars(args), _("Usage: ") if prefix is None else prefix)

        def write_heading(self, heading: str) -> None:
            self.write(f"{'':>{self.current_indent}}{_('{heading}:').format(heading=heading)}\n")

        def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
            rows = [(metavars(term), _(HELP_OPTION) if text == HELP_OPTION else choices(text)) for term, text in rows]
            super().write_dl(rows, col_max, col_spacing)

    click_core.Context.formatter_class = Formatter
    typer.core._ = _  # type: ignore[attr-defined]  # Typer's gettext, looked up at each call
