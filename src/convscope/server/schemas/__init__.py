"""The JSON contract of the HTTP API, one module per concept (mirroring ``server/routes``).

Requests are pydantic models here: strict, bounded, with a readable message for every mistake. Answers
are the lessons' typed records (``convscope.records``, ``convscope.lessons``): the routes declare them
as response models, so ``/openapi.json`` describes every answer, and the tests validate every 200
answer against them. The string under each key of a record becomes that field's description.
"""

from __future__ import annotations

from types import ModuleType

from pydantic import ConfigDict, with_config
from typing_extensions import is_typeddict

import convscope.lessons
import convscope.recipe
import convscope.records


def _describe_records(*modules: ModuleType) -> None:
    """Let pydantic read each record's per-key docstrings as field descriptions in the OpenAPI schema."""
    # The records stay plain TypedDicts (the lessons import no pydantic); this is pydantic's documented
    # way to configure a TypedDict it does not own, applied before any route builds a schema from them.
    for module in modules:
        for value in vars(module).values():
            if is_typeddict(value):
                with_config(ConfigDict(use_attribute_docstrings=True, extra="forbid"))(value)


_describe_records(convscope.records, convscope.recipe, *convscope.lessons.RECORD_MODULES)
