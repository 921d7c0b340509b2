"""The README's Python examples run as written and say what they claim."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from convscope.lessons.playground_steps import window_steps

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_python_examples_run_and_match_their_comments() -> None:
    blocks = _python_blocks()
    assert len(blocks) >= 2
    namespace: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    convscope = namespace["convscope"]
    assert convscope.output_size(20, kernel_size=3, padding=0, stride=2) == 9
    assert namespace["y"].shape == (8, 6, 28, 28)
    assert namespace["grad_b"] is None
    assert len(namespace["steps"]) == 400
    lesson = namespace["lesson"]
    assert (lesson["output_size"], lesson["valid"]) == ([20, 20], True)
    assert lesson["explanation"]["formula"] == "O = (W - K + 2P)/S + 1"
    assert [step["sum"] for step in window_steps(lesson)] == [step["sum"] for step in namespace["steps"]]
    assert namespace["probabilities"].shape == (1, 10)
    assert int(namespace["probabilities"].argmax()) == 7


def test_readme_quick_start_names_the_scripts_ci_runs() -> None:
    text = README.read_text(encoding="utf-8")
    assert "scripts/serve" in text
    assert "scripts/test" in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/test" in ci
