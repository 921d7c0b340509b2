"""The page's JSDoc types and the server's records are one contract: same names, same keys.

Every TypedDict that crosses to the page (any route's response model, and the records inside it) has a
``@typedef`` of the same name in ``static/js/types.js`` (or a page's ``types-<page>.js``); where the
typedef lists its keys (``@property`` or an object literal), they are the record's keys, and the optional
ones (``[name]``, ``name?``) are the record's ``NotRequired`` ones. ``tsc`` then checks that the page uses
only what the types declare.
"""

from __future__ import annotations

import re
from typing import Any, get_args, get_type_hints

import pytest
from pydantic import TypeAdapter
from typing_extensions import is_typeddict

from convscope.server.app import STATIC_DIR, create_app
from tests.server.contract import api_routes

# types.js, and types-<page>.js where one page's records would push it past the line budget.
TYPES_JS = "\n".join(p.read_text(encoding="utf-8") for p in sorted((STATIC_DIR / "js").glob("types*.js")))
# A JSDoc type in braces, allowing one level of nested braces ({[number, number] | null}, {{a: b}}).
_TYPE = r"\{(?:[^{}]|\{[^{}]*\})*\}"


def _records_in(annotation: Any, found: dict[str, type]) -> dict[str, type]:
    """Every TypedDict in ``annotation`` (a record, a list of them, a union, ...), nested ones too."""
    if is_typeddict(annotation) and annotation.__name__ not in found:
        found[annotation.__name__] = annotation
        for hint in get_type_hints(annotation).values():
            _records_in(hint, found)
    for arg in get_args(annotation):
        _records_in(arg, found)
    return found


def _answered_records() -> dict[str, type]:
    """The records some route of the app answers with: what the page can receive."""
    found: dict[str, type] = {}
    for route in api_routes(create_app().routes):
        _records_in(route.response_model, found)
    return found


RECORDS = _answered_records()


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
    assert {"PlaygroundLesson", "Explanation", "UnitExplanation", "TrainingStatus", "EndEvent"} \
        <= set(RECORDS)
    assert {"BallDropLesson", "BallPair", "SlideFrame", "EchoLesson", "Envelope"} <= set(RECORDS)
    missing = sorted(set(RECORDS) - set(TYPEDEFS))
    assert missing == []


@pytest.mark.parametrize("name", sorted(n for n in RECORDS if TYPEDEFS.get(n) is not None))
def test_a_typedef_lists_exactly_its_records_keys(name: str) -> None:
    # pydantic resolves NotRequired under postponed annotations (the class's own __optional_keys__ can't).
    schema = TypeAdapter(RECORDS[name]).json_schema()
    expected = {key: key not in schema.get("required", []) for key in schema["properties"]}
    assert TYPEDEFS[name] == expected
