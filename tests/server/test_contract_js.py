"""The page's JSDoc types and the server's records are one contract: same names, same keys.

Every TypedDict that crosses to the page (``convscope.records`` and the lessons' record modules) has a
``@typedef`` of the same name in ``static/js/types.js``; where the typedef lists its keys (``@property``
or an object literal), they are the record's keys, and the optional ones (``[name]``, ``name?``) are the
record's ``NotRequired`` ones. ``tsc`` then checks that the page uses only what the types declare.
"""

from __future__ import annotations

import re
from types import ModuleType

import pytest
from pydantic import TypeAdapter
from typing_extensions import is_typeddict

import convscope.lessons
import convscope.records
from convscope.server.app import STATIC_DIR

TYPES_JS = (STATIC_DIR / "js" / "types.js").read_text(encoding="utf-8")
# A JSDoc type in braces, allowing one level of nested braces ({[number, number] | null}, {{a: b}}).
_TYPE = r"\{(?:[^{}]|\{[^{}]*\})*\}"


def _records(*modules: ModuleType) -> dict[str, type]:
    return {name: value for m in modules for name, value in vars(m).items()
            if is_typeddict(value) and value.__module__ == m.__name__}


RECORDS = _records(convscope.records, *convscope.lessons.RECORD_MODULES)


def _typedefs(source: str) -> dict[str, dict[str, bool] | None]:
    """Each typedef's keys, key -> optional; None for one that is a union or intersection of others."""
    found: dict[str, dict[str, bool] | None] = {}
    for block in re.findall(r"/\*\*(.*?)\*/", source, re.S):
        match = re.search(rf"@typedef\s+({_TYPE})\s+(\w+)", block)
        if match is None:
            continue
        kind, name = match.groups()
        if kind == "{object}":
            found[name] = {key: bool(optional) for optional, key in
                           re.findall(rf"@property\s+{_TYPE}\s+(\[?)(\w+)", block)}
        elif kind.startswith("{{") and "&" not in kind and "|" not in kind.split(":")[0]:
            found[name] = {key: bool(optional) for key, optional in re.findall(r"(\w+)(\??):", kind[2:-2])}
        else:
            found[name] = None
    return found


TYPEDEFS = _typedefs(TYPES_JS)


def test_the_parser_reads_keys_and_optional_keys() -> None:
    sample = "/**\n * @typedef {object} A\n * @property {number[]} b  x @property {string} [c]\n */\n" \
             "/** @typedef {{d: number, e?: string}} F */\n/** @typedef {A | F} G */"
    assert _typedefs(sample) == {"A": {"b": False, "c": True}, "F": {"d": False, "e": True}, "G": None}


def test_every_record_the_page_receives_has_a_typedef_of_its_name() -> None:
    missing = sorted(set(RECORDS) - set(TYPEDEFS))
    assert missing == []


@pytest.mark.parametrize("name", sorted(n for n in RECORDS if TYPEDEFS.get(n) is not None))
def test_a_typedef_lists_exactly_its_records_keys(name: str) -> None:
    # pydantic resolves NotRequired under postponed annotations (the class's own __optional_keys__ can't).
    schema = TypeAdapter(RECORDS[name]).json_schema()
    expected = {key: key not in schema.get("required", []) for key in schema["properties"]}
    assert TYPEDEFS[name] == expected
