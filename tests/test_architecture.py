"""The layers of ARCHITECTURE.md, held: what each part of the package may import.

engine (ops, nn, data, arithmetic, trace, explore, train, ...) -> lessons -> server -> cli. A lower
layer never imports a higher one, and only the server (and the command line that starts it) imports the
web stack, so the lessons run wherever NumPy does: a script, a notebook, a browser running Python.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "convscope"
WEB_STACK = ("fastapi", "starlette", "uvicorn", "orjson", "pydantic")
TEST_ONLY = ("torch", "scipy", "hypothesis", "pytest", "playwright", "httpx")

# (who, what it must not import): "who" is a module prefix; "" means every module of the package.
RULES: list[tuple[str, tuple[str, ...]]] = [
    ("", TEST_ONLY),  # the oracle and the test tools are never runtime dependencies
    ("convscope.ops", ("convscope.nn", "convscope.explore", "convscope.data", "convscope.train")),
    ("convscope.nn", ("convscope.explore", "convscope.data", "convscope.train")),
    ("convscope.server", ("convscope.cli",)),
]
# Every module outside these prefixes is below them and must not import them (nor the web stack).
ABOVE_ENGINE = {
    "convscope.lessons": ("convscope.lessons", "convscope.server", "convscope.cli"),
    # Figures, animations and code drawn from the lessons' records; the notebook widget shows lessons too.
    "convscope.export": ("convscope.export", "convscope.widgets", "convscope.server", "convscope.cli"),
    "convscope.widgets": ("convscope.widgets", "convscope.server", "convscope.cli"),
    "convscope.server": ("convscope.server", "convscope.cli", *WEB_STACK),
    "convscope.cli": ("convscope.cli", "uvicorn"),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports (``from convscope import ops`` counts as ``convscope.ops``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: use absolute imports, so the layers can be read off them"
            found.add(node.module or "")
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _within(name: str, prefix: str) -> bool:
    return prefix == "" or name == prefix or name.startswith(prefix + ".")


def _violations() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += _problems(_module_name(path), _imports(path))
    return found


def _problems(module: str, imported: set[str]) -> list[str]:
    """What ``module`` must not import, among ``imported``."""
    forbidden = [banned for who, banned in RULES if _within(module, who)]
    layer = next((p for p in ABOVE_ENGINE if _within(module, p)), None)
    forbidden += [names for p, names in ABOVE_ENGINE.items() if p != layer and not _above(layer, p)]
    return [f"{module} imports {i}" for i in sorted(imported)
            if any(_within(i, name) for names in forbidden for name in names)]


def _above(layer: str | None, other: str) -> bool:
    """Whether ``layer`` sits above ``other`` (and so may import it): cli > server > lessons > engine."""
    order = [None, "convscope.lessons", "convscope.export", "convscope.widgets", "convscope.server",
             "convscope.cli"]
    return order.index(layer) > order.index(other)


def test_every_module_imports_only_from_its_own_layer_or_below() -> None:
    assert _violations() == []


def test_the_rules_catch_a_violation() -> None:
    assert _problems("convscope.ops.conv", {"convscope.server.app", "fastapi", "numpy"}) == [
        "convscope.ops.conv imports convscope.server.app", "convscope.ops.conv imports fastapi"
    ]
    assert _problems("convscope.lessons.x", {"orjson", "convscope.cli"}) == [
        "convscope.lessons.x imports convscope.cli", "convscope.lessons.x imports orjson"
    ]
    assert _problems("convscope.server.app", {"convscope.lessons", "fastapi"}) == []
    assert _problems("convscope.nn.layers", {"torch"}) == ["convscope.nn.layers imports torch"]


@pytest.mark.slow
def test_lessons_run_with_the_web_stack_unimportable() -> None:
    # A fresh interpreter where importing FastAPI, uvicorn, orjson (or pydantic, starlette) fails.
    code = textwrap.dedent(
        f"""
        import importlib.abc, sys
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in {WEB_STACK!r}:
                    raise ImportError("blocked: " + name)
        sys.meta_path.insert(0, Block())
        import numpy as np
        import convscope.lessons as lessons
        from convscope.data import DigitSource
        from convscope.nn import pretrained
        lesson = lessons.convolution_lesson(lessons.Convolution(DigitSource().crop(3, 0), np.ones((3, 3))))
        guess = lessons.predict(pretrained(), "pretrained", lessons.preprocess(DigitSource(), digit=7))
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in {WEB_STACK!r})
        print(lesson["output_size"], guess["prediction"], loaded)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[18,", "18]", "7", "[]"]
