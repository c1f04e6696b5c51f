"""Messages through one door: every human-readable string goes through `_()`.

Each message is written in the code in the language it was first written in (sentences
in English, the register's own terms, as the seeds give them, in Chinese) and is its
own message id. A catalog per language, `locale/<lang>/LC_MESSAGES/complaintctl.mo`
beside this module (or under COMPLAINTCTL_LOCALEDIR), translates the ids written in the
other language: zh_CN the English ones, en the Chinese ones. The catalogs are compiled
from their .po files with Babel by the maintainers (`make catalogs`) and committed; at
run time the standard library's gettext reads them, so nothing is built at install.

The language is COMPLAINTCTL_LANG, else the office rules' `[office] language` (the CLI
looks it up before it builds any help, `use_office_language`), else Chinese. The
locale (LANG, LC_ALL) is not consulted: the cron mail and the clerk's terminal agree.
`C` prints the messages as written in the code (the test suite pins it, so its
expectations never depend on the machine).

A message with values is written with named fields and formatted after translation,
`_("no complaint {no}").format(no=no)`, so a translation may move them. Texts kept at
import time (labels, choices) are marked with `N_()` and translated where shown.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from gettext import GNUTranslations, NullTranslations
from pathlib import Path

DOMAIN = "complaintctl"
DEFAULT = "zh_CN"
LANGUAGES = {"zh_CN": "中文", "en": "English"}
_ALIASES = {"zh": "zh_CN", "zh_cn": "zh_CN", "zh_hans": "zh_CN", "cn": "zh_CN", "chinese": "zh_CN", "中文": "zh_CN"}

_catalog: NullTranslations | None = None
_office_language: Callable[[], str | None] | None = None
_looking_up = False


def normalise(code: str) -> str:
    """The catalog a language code names: zh, zh-CN, zh_CN.UTF-8, 中文 → zh_CN; en_US → en."""
    bare = code.strip().split(".")[0].replace("-", "_")
    if bare in ("C", "POSIX"):
        return "C"
    lowered = bare.lower()
    if lowered in _ALIASES:
        return _ALIASES[lowered]
    if lowered == "en" or lowered.startswith("en_") or lowered == "english":
        return "en"
    return bare


def language() -> str:
    """The language messages are printed in (see the module's docstring for the order)."""
    global _looking_up
    chosen = os.environ.get("COMPLAINTCTL_LANG", "").strip()
    if not chosen and _office_language is not None and not _looking_up:
        # The lookup may itself word a message (a missing register): that one is Chinese.
        _looking_up = True
        try:
            chosen = _office_language() or ""
        finally:
            _looking_up = False
    return normalise(chosen) if chosen else DEFAULT


def use_office_language(lookup: Callable[[], str | None]) -> None:
    """Where to find the office's language when COMPLAINTCTL_LANG does not say (asked once,
    at the first message)."""
    global _office_language
    _office_language = lookup
    reset()


def localedir() -> str:
    return os.environ.get("COMPLAINTCTL_LOCALEDIR") or str(Path(__file__).with_name("locale"))


def _load() -> NullTranslations:
    global _catalog
    if _catalog is None:
        code = language()
        _catalog = NullTranslations()
        if code != "C":
            # The file itself, not gettext.translation(): its search through locale
            # aliases costs every start for a path known here.
            try:
                with open(os.path.join(localedir(), code, "LC_MESSAGES", DOMAIN + ".mo"), "rb") as mo:
                    _catalog = GNUTranslations(mo)
            except OSError:
                pass
    return _catalog


def _(message: str) -> str:
    """The message in the user's language."""
    return _load().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The message for `n` things in the user's language."""
    return _load().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a text for the catalogs without translating it yet (it is translated where shown)."""
    return message


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message with a plural form for the catalogs (chosen by a count where shown)."""
    return singular, plural


def translated() -> bool:
    """Whether a catalog is in use (False for `C` and for a language without one)."""
    return isinstance(_load(), GNUTranslations)


def current() -> str:
    """The code of the catalog in use: zh_CN, en, or C when messages print as written."""
    return language() if translated() else "C"


def reset() -> None:
    """Forget the loaded catalog (the language or catalog changed: tests, the shell)."""
    global _catalog
    _catalog = None
