"""The house rules that a script can check (after tinygrad's line budget).

Small files hold one idea each; only ``api.js`` talks to the server; nothing is left logging to the console.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "convscope"
STATIC = PACKAGE / "server" / "static" / "js"
PY_BUDGET = 350  # lines; the style guide asks for ~300
JS_BUDGET = 275  # lines; the style guide asks for ~250

PY_FILES = sorted(PACKAGE.rglob("*.py"))
JS_FILES = sorted(STATIC.rglob("*.js")) if STATIC.exists() else []


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_there_is_code_to_check() -> None:
    assert len(PY_FILES) > 3


@pytest.mark.parametrize("path", PY_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_python_module_is_small(path: Path) -> None:
    assert _lines(path) <= PY_BUDGET, f"{path.name} has {_lines(path)} lines: split it by concept"


@pytest.mark.parametrize("path", JS_FILES, ids=lambda p: str(p.relative_to(STATIC)))
def test_js_module_is_small_and_quiet(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _lines(path) <= JS_BUDGET, f"{path.name} has {_lines(path)} lines: split it by concept"
    assert "console.log" not in text, f"{path.name} leaves a console.log behind"
    if path != STATIC / "api.js":  # by place, not name: api/*.js build on its transport
        assert not re.search(r"\bfetch\(", text), f"{path.name} calls fetch: only api.js may"
