"""Every snippet ``convscope code`` and the page's "Copy code" produce is run, and its output checked.

The numpy flavour against our engine (the lesson's own output, which the page draws), the torch flavour
against torch.nn.functional.conv2d run here on the same input.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812  (as the snippet and every PyTorch user writes it)

from convscope.export import INPUT_FILE, PlaygroundSettings, as_matrix, playground_code, playground_lesson
from convscope.export.snippets import Framework

SRC = Path(__file__).resolve().parents[2] / "src"
NUMBER = re.compile(r"-?\d+(?:\.\d*)?(?:e[+-]?\d+)?")

SETTINGS = [
    PlaygroundSettings(digit=3, kernel="sobel_x", padding=1, stride=1),
    PlaygroundSettings(digit=7, index=4, kernel="box", kernel_size=5, padding=2, stride=2),
    PlaygroundSettings(digit=0, index=1, kernel="gaussian", kernel_size=3, padding=0, stride=3, dilation=2),
    PlaygroundSettings(digit=5, kernel="laplacian", padding=3, stride=2, dilation=3),  # floored: not valid
    PlaygroundSettings(digit=1, kernel=((1.0, -0.5), (0.25, 2.0)), stride=2),  # a matrix kernel
    PlaygroundSettings(kernel="emboss", image=as_matrix(np.linspace(0, 1, 48).reshape(6, 8) ** 2), padding=1),
]


def run_snippet(code: str, directory: Path) -> np.ndarray:
    """Run ``code`` as a script in ``directory`` with our package importable; parse the array it prints."""
    script = directory / "snippet.py"
    script.write_text(code)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, str(script)], cwd=directory, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    header, _, body = done.stdout.partition(":\n")
    rows, cols = map(int, header.split()[-1].split("x"))
    values = [float(v) for v in NUMBER.findall(body)]
    return np.array(values).reshape(rows, cols)


def _input(settings: PlaygroundSettings, directory: Path) -> np.ndarray:
    image = settings.image_array()
    if settings.image is not None:
        np.save(directory / INPUT_FILE, image)  # what the export saves beside the script
    return image


@pytest.mark.slow
@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: s.describe())
@pytest.mark.parametrize("framework", ["numpy", "torch"])
def test_each_snippet_reproduces_the_page(settings: PlaygroundSettings, framework: Framework,
                                          tmp_path: Path) -> None:
    image = _input(settings, tmp_path)
    printed = run_snippet(playground_code(settings, framework), tmp_path)
    if framework == "numpy":
        expected = np.array(playground_lesson(settings)["output"])  # the numbers the page draws
    else:
        weights = torch.from_numpy(settings.weights())[None, None]
        expected = F.conv2d(torch.from_numpy(image)[None, None], weights, padding=settings.padding,
                            stride=settings.stride, dilation=settings.dilation)[0, 0].numpy()
        np.testing.assert_allclose(expected, playground_lesson(settings)["output"], atol=1e-12)
    assert printed.shape == expected.shape
    # Printed with 4 decimals: within half a unit of the last one.
    np.testing.assert_allclose(printed, expected, atol=5.1e-5, rtol=0)


def test_a_snippet_names_the_settings_and_says_when_they_are_floored() -> None:
    floored = playground_code(SETTINGS[3])
    assert "digit 5 (example 0) · kernel laplacian 3x3 · padding 3 · stride 2 · dilation 3" in floored
    assert "is not a whole number" in floored
    assert "is not a whole number" not in playground_code(SETTINGS[0])


def test_a_kernel_that_fits_nowhere_is_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        playground_code(PlaygroundSettings(kernel="box", kernel_size=7, dilation=5))
    with pytest.raises(ValueError, match="framework: must be one of numpy, torch"):
        playground_code(PlaygroundSettings(), "jax")  # type: ignore[arg-type]
