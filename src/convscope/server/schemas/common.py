"""What every route's schema shares: strict parsing, finite numbers, rectangular grids, the error answer.

Requests are validated strictly (``"3"`` is not an integer, ``true`` is not a number, NaN and Infinity
are refused, unknown fields are rejected) so a mistake in the page shows up as a clear 4xx instead of a
silently coerced value. Each check is written once here and used by every concept's request models.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

STRICT = ConfigDict(strict=True, extra="forbid")

FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
Grid = list[list[float]]


def exactly_one(first: tuple[str, str], second: tuple[str, str],
                only_with_second: tuple[str, str] | None = None) -> dict[str, Any]:
    """JSON Schema (for ``json_schema_extra``) saying exactly one of two nullable fields is given.

    Each field is ``(name, JSON type)``; null counts as absent, as in the model's validator. With
    ``only_with_second``, that field may be given only with the second (``index`` only with ``digit``).
    The OpenAPI document then states the rule the validator checks, so a schema-valid request is never
    refused with 422 for it (schemathesis checks that).

    Examples
    --------
    >>> sorted(exactly_one(("preset", "string"), ("taps", "array")))
    ['anyOf', 'not']
    """
    companions = {second[0]: [only_with_second]} if only_with_second is not None else {}
    return one_of_fields([first, second], companions)


def one_of_fields(sources: list[tuple[str, str]],
                  only_with: dict[str, list[tuple[str, str]]]) -> dict[str, Any]:
    """JSON Schema saying exactly one of ``sources`` is given, and each companion only with its source.

    Fields are ``(name, JSON type)``; null counts as absent. ``only_with`` maps a source's name to the
    fields that may be given only beside it (the playground's ``index`` and ``input_size`` go with
    ``digit``).

    Examples
    --------
    >>> rule = one_of_fields([("image", "array"), ("digit", "integer"), ("example", "string")],
    ...                      {"digit": [("index", "integer")]})
    >>> len(rule["anyOf"]), len(rule["not"]["anyOf"])  # three sources; three pairs and two strays
    (3, 5)
    """

    def given(*fields: tuple[str, str]) -> dict[str, Any]:
        return {"required": [name for name, _ in fields],
                "properties": {name: {"type": kind} for name, kind in fields}}

    refused = [given(a, b) for i, a in enumerate(sources) for b in sources[i + 1:]]
    for owner, companions in only_with.items():
        others = [source for source in sources if source[0] != owner]
        refused += [given(other, companion) for companion in companions for other in others]
    return {"anyOf": [given(source) for source in sources], "not": {"anyOf": refused}}


def rectangular(rows: Grid) -> Grid:
    """Refuse ragged nested lists, naming the first row whose length differs."""
    for i, row in enumerate(rows):
        if len(row) != len(rows[0]):
            raise ValueError(
                f"must be rectangular: row 0 has {len(rows[0])} values but row {i} has {len(row)}"
            )
    return rows


def within_unit_interval(rows: Grid) -> Grid:
    """Refuse ink outside [0, 1] with one message (not one per pixel of a canvas)."""
    values = np.asarray(rows, dtype=np.float64)  # (H, W)
    outside = (values < 0) | (values > 1)
    if outside.any():
        r, c = (int(i) for i in np.argwhere(outside)[0])
        raise ValueError(
            f"every value must be in [0, 1] (ink 0..1, not 0..255); image[{r}][{c}] is {values[r, c]:g} "
            f"and {int(outside.sum())} values are outside"
        )
    return rows


def one_source(image: Any, digit: int | None, index: int | None, sides: str) -> None:
    """Exactly one of a drawn ``image`` and an MNIST ``digit``; ``index`` only with ``digit``."""
    if image is not None and digit is not None:
        raise ValueError("give either `image` or `digit` (with `index`), not both")
    if image is None and digit is None:
        raise ValueError(f"give `image` (a 2-D list, each side {sides}) or `digit` (0..9, with `index`)")
    if index is not None and digit is None:
        raise ValueError("`index` picks an example of `digit`; give `digit` too, or drop `index`")


class HealthResponse(BaseModel):
    """The server is up."""

    status: Literal["ok"]
    version: str = Field(description="convscope's version.")


class ErrorResponse(BaseModel):
    """Every 4xx answer: `message` is one readable line naming the field and what is allowed."""

    message: str = Field(description='e.g. "padding: must be <= 16 (got 40)"')
    detail: str | list[dict[str, Any]] = Field(
        description="The same as `message` (400, 404, 413), or pydantic's list of errors (422)."
    )


def error_answers(**described: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for error statuses: ``error_answers(**{"404": "Nothing trained yet."})``."""
    return {int(code): {"model": ErrorResponse, "description": text} for code, text in described.items()}
