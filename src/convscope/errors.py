"""The one error a setting can raise: it names the field and says what is allowed.

Every layer below the server (data, lessons) raises `SettingError` for a value a person chose badly, so
the HTTP layer can answer it with the field's name and the right status without parsing messages, and a
Python user still catches it as the ``ValueError`` it is.
"""

from __future__ import annotations

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
