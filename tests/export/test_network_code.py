"""The network view's scripts are run, and their ten probabilities compared with the page's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from convscope.data import DigitSource
from convscope.export.network_code import WEIGHTS_FILE, NetworkCode, network_code
from convscope.export.snippets import Framework
from convscope.lessons.network import predict, preprocess
from convscope.nn import lenet, pretrained, save
from tests.export.scripts import run_script


def _drawing() -> np.ndarray:
    """A hand-drawn-like 4: strokes of uneven ink on a 200x200 canvas, as the page sends it."""
    canvas = np.zeros((200, 200))
    canvas[30:120, 50:62] = 0.8
    canvas[110:122, 50:150] = 1.0
    canvas[30:180, 120:134] = np.linspace(0.4, 1.0, 150)[:, None]
    return canvas


@pytest.mark.parametrize("framework", ["numpy", "torch"])
@pytest.mark.parametrize("drawn", [False, True], ids=["digit 3 example 2", "drawing"])
def test_each_script_gives_the_pages_probabilities(framework: Framework, drawn: bool, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    source = DigitSource()
    stages = preprocess(source, _drawing()) if drawn else preprocess(source, digit=3, index=2)
    page = predict(pretrained(), "pretrained", stages)
    code = NetworkCode(None, 0, stages.centred) if drawn else NetworkCode(3, 2)
    ran = run_script(network_code(code, framework), tmp_path, monkeypatch)
    # convscope reads the same float32 numbers with the same engine; torch differs only in rounding.
    atol = 0.0 if framework == "numpy" else 1e-6
    np.testing.assert_allclose(ran["probabilities"], page["probabilities"], rtol=0, atol=atol)
    assert int(np.argmax(ran["probabilities"])) == page["prediction"]


@pytest.mark.parametrize("framework", ["numpy", "torch"])
def test_a_trained_model_is_loaded_from_the_weights_saved_beside_the_script(
        framework: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = lenet(4, 8, 3, rng=np.random.default_rng(2))  # another architecture than the shipped one
    save(model, tmp_path / WEIGHTS_FILE)  # as the Training page's Download weights gives it
    stages = preprocess(DigitSource(), digit=6)
    page = predict(model, "trained", stages)
    ran = run_script(network_code(NetworkCode(6, 0, model="trained"), framework), tmp_path, monkeypatch)
    np.testing.assert_allclose(ran["probabilities"], page["probabilities"], rtol=0,
                               atol=0.0 if framework == "numpy" else 1e-6)
