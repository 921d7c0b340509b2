"""The one error a setting can raise: it names the field and says what is allowed.

Every layer below the server (data, lessons) raises `SettingError` for a value a person chose badly, so
the HTTP layer can answer it with the field's name and the right status without parsing messages, and a
Python user still catches it as the ``ValueError`` it is. `check_ranges` is the check most settings need.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

# What kind of "no" it is. The server maps them to 400, 404 and 409; other callers may ignore them.
Kind = Literal["invalid", "missing", "busy"]


class SettingError(ValueError):
    """A setting that cannot be used: ``str(error)`` is ``"<field>: <what is allowed>"``.

    Parameters
    ----------
    field : the setting's name as the person sent it (``"padding"``, ``"unit[1]"``)
    problem : what is wrong and what to change, one sentence
    kind : ``"invalid"`` (a bad value), ``"missing"`` (nothing there yet), ``"busy"`` (not now)

    Examples
    --------
    >>> error = SettingError("index", "must be 0..5 (got 9)")
    >>> str(error), error.kind, isinstance(error, ValueError)
    ('index: must be 0..5 (got 9)', 'invalid', True)
    """

    def __init__(self, field: str, problem: str, kind: Kind = "invalid") -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
        self.kind: Kind = kind


def check_ranges(setting: object, bounds: Mapping[str, tuple[int, int]], where: str = "") -> None:
    """Raise a `SettingError` for the first field of ``setting`` outside its ``(low, high)`` in ``bounds``.

    ``where`` ends the message's range (``" in 2-D"``), for limits that depend on another setting.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> check_ranges(SimpleNamespace(stride=2, padding=4), {"stride": (1, 3), "padding": (0, 3)})
    Traceback (most recent call last):
    ...
    convscope.errors.SettingError: padding: must be 0..3 (got 4)
    """
    for name, (low, high) in bounds.items():
        value = getattr(setting, name)
        if not low <= value <= high:
            raise SettingError(name, f"must be {low}..{high}{where} (got {value})")
