"""Every script the Signals, Layers and Matrix & FFT pages' "Copy code" gives is run, and its numbers checked.

The numpy flavour against our engine (the lesson the page draws), the torch flavour against
torch.nn.functional computed here, and both against the page's numbers. Each script runs in a fresh
namespace with its printing captured, as ``python snippet.py`` would run it.
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812  (as the snippet and every PyTorch user writes it)

from convscope.errors import SettingError
from convscope.export.pages_code import layers_code, matrix_code, signals_code
from convscope.export.pages_signals import SlideSetting, full_slide_lesson
from convscope.export.snippets import Framework
from convscope.lessons.drop_slide import DropSlide
from convscope.lessons.layers import LayerSetting, filter_bank, layers_lesson
from convscope.lessons.layers_input import layers_input
from convscope.lessons.signals import Slide, grid
from convscope.lessons.transposed import TransposedSetting, transposed_lesson
from convscope.signal import waveform

FRAMEWORKS: list[Framework] = ["numpy", "torch"]
DRAWN = np.clip(np.sin(np.linspace(0, 3, 121)), 0, None)  # a drawing: 121 values on the grid


def run(code: str) -> dict[str, Any]:
    """Run ``code`` as a script would run; return its variables (what it printed is under "printed")."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "snippet.py", "exec"), namespace)
    namespace["printed"] = printed.getvalue()
    return namespace


SLIDES: list[SlideSetting] = [
    Slide("box", "triangle"),
    Slide("decay", "box", flip=False),
    Slide("box", "box", repeat=2),
    Slide(DRAWN, "gaussian", flip=False, repeat=1),
    DropSlide(np.ones(6), np.array([1.0, 2.0, 3.0])),
    DropSlide(np.array([0.5, 0.0, 2.0]), np.array([1.0, 4.0]), flip=False, repeat=1),
]


def _torch_slide(setting: SlideSetting) -> np.ndarray:
    """The slide's result by torch alone, from the signals as the page has them before any repeat."""
    if isinstance(setting, DropSlide):
        f, g = (torch.from_numpy(w / w.sum()) for w in (setting.f, setting.g))
        step = 1.0
    else:
        tau = grid()
        f, g = (torch.from_numpy(waveform(s, tau) if isinstance(s, str) else np.asarray(s)) for s in
                (setting.f, setting.g))
        step = 0.05

    def conv(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return F.conv1d(a[None, None], b.flip(0)[None, None], padding=b.numel() - 1)[0, 0]

    for _ in range(setting.repeat):
        f = conv(f, g) * step
        if not isinstance(setting, DropSlide):
            f = f[40:161]
    h = g if setting.flip else g.flip(0)
    return (conv(f, h) * step).numpy()


@pytest.mark.parametrize("setting", SLIDES, ids=lambda s: f"{type(s).__name__}-{s.flip}-{s.repeat}")
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_each_signals_script_reproduces_the_slide(setting: SlideSetting, framework: Framework) -> None:
    lesson = full_slide_lesson(setting)
    variables = run(signals_code(setting, framework))
    expected = _torch_slide(setting) if framework == "torch" else np.asarray(lesson["result"])
    np.testing.assert_allclose(variables["result"], expected, atol=1e-12)
    np.testing.assert_allclose(variables["result"], lesson["result"], atol=1e-12)  # the page's numbers
    np.testing.assert_allclose(variables["t"], lesson["t"], atol=1e-12)
    assert f"{len(lesson['t'])} values" in variables["printed"]


LAYERS = [
    LayerSetting(),
    LayerSetting(input="photo", filters=3, kernel_size=5, stride=2, padding=2, activation="leaky_relu",
                 negative_slope=0.2, pool_kernel_size=3, pool_stride=2, pool_padding=1),
    LayerSetting(input="digit", digit=7, index=3, init="random", seed=11, filters=5, activation="tanh",
                 unit=(2, 4, 4), pool_kernel_size=2, pool_stride=1),
    LayerSetting(input="digits", filters=2, kernel_size=1, padding=0, activation="sigmoid", pool_padding=1),
]


def _torch_layer(setting: LayerSetting, f: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The layer's output volume and map ``f``'s four poolings by torch alone."""
    volume = layers_input(setting.input, digit=setting.digit, index=setting.index)
    bank = filter_bank(setting, volume)
    x = torch.from_numpy(volume.values)[None]
    out = F.conv2d(x, torch.from_numpy(bank.weights), torch.from_numpy(bank.bias), setting.stride,
                   setting.padding)
    act = {"relu": F.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
           "leaky_relu": lambda v: F.leaky_relu(v, setting.negative_slope)}[setting.activation]
    a = act(out[:, f:f + 1])
    k, s, p = setting.pool_kernel_size, setting.pool_stride, setting.pool_padding
    pooled = {"max": F.max_pool2d(a, k, s, p), "avg": F.avg_pool2d(a, k, s, p),
              "sum": F.avg_pool2d(a, k, s, p) * k * k, "l2": F.lp_pool2d(F.pad(a, (p,) * 4), 2, k, s)}
    return out[0].numpy(), {name: v[0, 0].numpy() for name, v in pooled.items()}


@pytest.mark.parametrize("setting", LAYERS, ids=lambda s: f"{s.input}-{s.activation}")
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_each_layers_script_reproduces_the_page(setting: LayerSetting, framework: Framework) -> None:
    lesson = layers_lesson(setting)
    f = lesson["unit"]["filter"]
    variables = run(layers_code(setting, framework, f))
    page = {kind["kind"]: np.asarray(kind["output"]) for kind in lesson["pooling"]["kinds"]}
    if framework == "torch":
        output, pooled = _torch_layer(setting, f)
    else:
        output, pooled = np.asarray(lesson["output"]), page
    np.testing.assert_allclose(variables["output"], output, atol=1e-10)
    np.testing.assert_allclose(variables["output"], lesson["output"], atol=1e-10)
    np.testing.assert_allclose(variables["activated"], lesson["activation"]["after"], atol=1e-10)
    for name in ("max", "avg", "sum", "l2"):
        np.testing.assert_allclose(variables["pooled"][name], pooled[name], atol=1e-9, err_msg=name)
        np.testing.assert_allclose(variables["pooled"][name], page[name], atol=1e-9, err_msg=name)


TRANSPOSED = [TransposedSetting(), TransposedSetting(4, 3, 2, 1, 1, 1), TransposedSetting(2, 4, 3, 0, 1, 2),
              TransposedSetting(3, 1, 1, 0, 0, 1)]


@pytest.mark.parametrize("setting", TRANSPOSED, ids=repr)
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_each_matrix_script_reproduces_the_transposed_convolution(setting: TransposedSetting,
                                                                  framework: Framework) -> None:
    lesson = transposed_lesson(setting)
    variables = run(matrix_code(setting, framework))
    if framework == "torch":
        x, w = (torch.tensor(v, dtype=torch.float64)[None, None] for v in (lesson["input"], lesson["kernel"]))
        expected = F.conv_transpose2d(x, w, stride=setting.stride, padding=setting.padding,
                                      output_padding=setting.output_padding,
                                      dilation=setting.dilation)[0, 0].numpy()
    else:
        expected = np.asarray(lesson["output"])
    np.testing.assert_allclose(variables["output"], expected, atol=1e-12)
    np.testing.assert_allclose(variables["output"], lesson["by_scatter"], atol=1e-12)
    assert f"output {lesson['output_size']}x{lesson['output_size']}:" in variables["printed"]


def test_a_script_names_its_settings_and_refuses_an_unknown_framework() -> None:
    code = layers_code(LAYERS[2], "numpy", 2)
    assert "input digit 7 (example 3) · 5 random (seed 11) filters 3x3" in code
    assert "digit(7, index=3)" in code
    assert "np.random.default_rng(11)" in code
    assert 'bundled_photo("chelsea")' in layers_code(LAYERS[1])
    with pytest.raises(SettingError, match="framework"):
        matrix_code(TransposedSetting(), "jax")  # type: ignore[arg-type]
