"""Every script the Matrix & FFT page's matrix M and FFT panels copy is run, and its numbers checked.

The convscope flavour against the lesson the page draws, the PyTorch flavour against torch computed here,
both against the page's numbers; and the two figures: their size at 2x and the colour of a known pixel.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812  (as the snippet and every PyTorch user writes it)
from PIL import Image

from convscope.data import DigitSource
from convscope.errors import SettingError
from convscope.export.pages_code_mfft import fft_code, matrix_m_code
from convscope.export.pages_fft import WRAP_TINT, describe_fft, fft_figure
from convscope.export.pages_matrix_m import WEIGHT_COLOURS, describe_matrix, matrix_figure
from convscope.export.snippets import Framework
from convscope.lessons.matrix import MatrixSetting, crop_origin, matrix_lesson
from convscope.lessons.spectra import FftSetting, fft_lesson
from tests.export.test_pages_code import run

FRAMEWORKS: list[Framework] = ["numpy", "torch"]
SOURCE = DigitSource()
MATRICES = [MatrixSetting(size=8, kernel_size=3, padding=1),
            MatrixSetting(size=11, kernel_size=3, stride=2, dilation=2, padding=2),
            MatrixSetting(dims=2, size=6, kernel_size=3, padding=1, digit=7, index=2),
            MatrixSetting(dims=2, size=5, kernel_size=2, stride=2, dilation=1)]


def _torch_matrix(lesson: dict, setting: MatrixSetting) -> tuple[np.ndarray, np.ndarray]:
    """M (by unfold: each output's window of the padded input, times the kernel) and the convolution."""
    x, w = (torch.tensor(lesson[k], dtype=torch.float64) for k in ("input", "kernel"))
    args = {"stride": setting.stride, "padding": setting.padding, "dilation": setting.dilation}
    if setting.dims == 1:
        x, w = x[0], w[0]
        out = F.conv1d(x[None, None], w[None, None], **args)[0, 0]
        units = torch.eye(x.numel(), dtype=torch.float64).reshape(-1, 1, 1, x.numel())
        cols = F.unfold(units, (1, w.numel()), dilation=(1, setting.dilation), padding=(0, setting.padding),
                        stride=(1, setting.stride))
    else:
        out = F.conv2d(x[None, None], w[None, None], **args)[0, 0]
        cols = F.unfold(torch.eye(x.numel(), dtype=torch.float64).reshape(-1, 1, *x.shape), w.shape, **args)
    m = torch.einsum("iko,k->oi", cols, w.reshape(-1))  # (outputs, inputs): unit input i read by window o
    return m.numpy(), out.numpy()


@pytest.mark.parametrize("setting", MATRICES, ids=lambda s: f"{s.dims}d-n{s.size}-k{s.kernel_size}")
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_each_matrix_m_script_reproduces_the_page(setting: MatrixSetting, framework: Framework) -> None:
    lesson = matrix_lesson(setting, SOURCE)
    origin = crop_origin(setting, SOURCE) if setting.dims == 2 else (0, 0)
    got = run(matrix_m_code(setting, framework, origin))
    m, out = _torch_matrix(dict(lesson), setting) if framework == "torch" else (
        np.asarray(lesson["matrix"]), np.asarray(lesson["output"]))
    np.testing.assert_allclose(got["M"], m, atol=1e-12)
    np.testing.assert_allclose(got["M"], lesson["matrix"], atol=1e-12)  # the page's numbers
    np.testing.assert_allclose(got["output"].reshape(out.shape), out, atol=1e-12)
    np.testing.assert_allclose(got["output"].reshape(-1), np.ravel(lesson["output"]), atol=1e-12)
    np.testing.assert_array_equal(got["x"].numpy() if framework == "torch" else got["x"],
                                  np.asarray(lesson["input"]).reshape(got["x"].shape))
    assert f"{lesson['distinct_weights']} distinct non-zero weights" in got["printed"]


FFTS = [FftSetting(), FftSetting(zero_pad=False), FftSetting((1.0, -2.0, 0.5, 3.0), (2.0, 1.0, -1.0), False)]


@pytest.mark.parametrize("setting", FFTS, ids=lambda s: f"n{len(s.signal)}-k{len(s.kernel)}-pad{s.zero_pad}")
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_each_fft_script_reproduces_the_page(setting: FftSetting, framework: Framework) -> None:
    lesson = fft_lesson(setting)
    got = run(fft_code(setting, framework))
    f, g = (torch.tensor(v, dtype=torch.float64) for v in (setting.signal, setting.kernel))
    length = lesson["length"]
    if framework == "torch":
        inverse = torch.fft.irfft(torch.fft.rfft(f, n=length) * torch.fft.rfft(g, n=length), n=length).numpy()
        direct = F.conv1d(f[None, None], g.flip(0)[None, None], padding=g.numel() - 1)[0, 0].numpy()
    else:
        inverse, direct = np.asarray(lesson["inverse"]), np.asarray(lesson["direct"])
    np.testing.assert_allclose(got["inverse"], inverse, atol=1e-9)
    np.testing.assert_allclose(got["direct"], direct, atol=1e-9)
    for name, page in (("inverse", "inverse"), ("direct", "direct"), ("difference", "difference")):
        np.testing.assert_allclose(got[name], lesson[page], atol=1e-9, err_msg=name)  # the page's numbers
    np.testing.assert_allclose(np.abs(got["product"]), lesson["product_magnitude"], atol=1e-9)
    np.testing.assert_allclose(np.abs(got["F_f"]), lesson["signal_magnitude"], atol=1e-9)
    assert got["L"] == length


def test_the_figures_are_drawn_at_2x_with_the_page_colours() -> None:
    setting = MatrixSetting(size=8, kernel_size=3)
    figure = matrix_figure(matrix_lesson(setting, SOURCE), describe_matrix(setting))
    assert figure.width >= 1280
    assert figure.height > 600
    # Each of the 3 weights in its page colour: 6 rows of M x 3 weights, plus the kernel's cell and the
    # legend's swatch; no fourth weight colour anywhere.
    counts = {rgb: n for n, rgb in figure.convert("RGB").getcolors(1 << 20) or []}
    cell = (min(34, 720 // 8) * 2 - 2) ** 2  # a cell's inside at 2x, less its grid lines
    for weight in range(3):
        assert counts.get(WEIGHT_COLOURS[weight], 0) > 6 * cell // 2, weight
    assert WEIGHT_COLOURS[3] not in counts
    wrapped = FftSetting(zero_pad=False)
    chart = fft_figure(fft_lesson(wrapped), describe_fft(wrapped), phase=True)
    assert chart.width >= 1280
    colours = {rgb for _, rgb in chart.convert("RGB").getcolors(1 << 20) or []}
    assert WRAP_TINT in colours  # the wrapped cells tinted, as on the page
    plain = fft_figure(fft_lesson(FftSetting()), describe_fft(FftSetting()))
    assert WRAP_TINT not in {rgb for _, rgb in plain.convert("RGB").getcolors(1 << 20) or []}
    assert plain.height < chart.height  # no phase row
    assert isinstance(plain, Image.Image)


def test_an_unknown_framework_is_refused() -> None:
    with pytest.raises(SettingError, match="framework"):
        fft_code(FftSetting(), "jax")  # type: ignore[arg-type]
    with pytest.raises(SettingError, match="framework"):
        matrix_m_code(MatrixSetting(), "jax")  # type: ignore[arg-type]
