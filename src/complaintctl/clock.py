"""The instant a command runs at: the machine's clock, or a clock set for tests and
demonstrations.

`COMPLAINTCTL_NOW` sets the clock, but only where back-dating cannot pass unnoticed:
under the test suite (pytest sets PYTEST_CURRENT_TEST) or on a register created with
`complaintctl init --demo`. Every run on a set clock says so on stderr, and every
history entry it writes carries the mark (service/common.py). Anywhere else the variable
is refused with a warning and the real clock is used.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

from .errors import BadInput
from .i18n import N_, _

ENV = "COMPLAINTCTL_NOW"


def under_test_suite() -> bool:
    return "PYTEST_CURRENT_TEST" in os.environ


def now(tz: tzinfo, is_demo_register: Callable[[], bool]) -> tuple[datetime, str | None]:
    """The instant to run at, and the mark for history entries when the clock is set."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return datetime.now(UTC), None
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(
            _("{ENV}={value!r} is not a time; write it as 2026-11-23T08:30+08:00").format(ENV=ENV, value=value)
        ) from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=tz)
    why = _("test suite") if under_test_suite() else _("demo register") if is_demo_register() else None
    if why is None:
        sys.stderr.write(
            _(
                "warning: {ENV} is ignored: a set clock works only under the test suite or on a register made with `complaintctl init --demo`; using the real clock\n"
            ).format(ENV=ENV)
        )
        return datetime.now(UTC), None
    shown = instant.astimezone(tz).isoformat(timespec="minutes")
    sys.stderr.write(
        _("note: the clock is set to {shown} by {ENV} ({why}); history entries written now are marked\n").format(
            shown=shown, ENV=ENV, why=why
        )
    )
    from .reasons import term

    return instant.astimezone(UTC), term(N_("set by {env} to {time}"), env=ENV, time=shown)
