"""Run an exported script as ``python script.py [args]`` would, in a folder of its own, and keep its globals.

In this process (``runpy``, as ``__main__``), so torch and the digits are imported once for every snippet:
the tests compare the script's own variables (``result``, ``probabilities``, ``losses``) with the page's.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path
from typing import Any

import pytest


def run_script(code: str, folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> dict[str, Any]:
    """Write ``code`` to ``folder/snippet.py`` and run it there with ``args``; its globals afterwards."""
    script = folder / "snippet.py"
    script.write_text(code)
    compile(code, str(script), "exec")  # a syntax error names the snippet's line
    monkeypatch.chdir(folder)
    monkeypatch.setattr(sys, "argv", [str(script), *args])
    return runpy.run_path(str(script), run_name="__main__")
