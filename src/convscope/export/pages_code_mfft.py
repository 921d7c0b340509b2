"""Code that reproduces the Matrix & FFT page's matrix M and its convolution by FFT: convscope or PyTorch.

The matrix M: the convscope script builds M with `convscope.convolution_matrix`, multiplies it by the
flattened input and compares with `convscope.ops.conv1d` / ``conv2d``; the PyTorch one convolves unit
impulses with ``F.conv1d`` / ``F.conv2d`` (column j of M is the output for the j-th unit input) and compares
``M @ x`` with the convolution itself. The FFT: ``numpy.fft`` or ``torch.fft`` multiplies the spectra and
inverts, beside the direct convolution. The input is loaded as the page loads it (the 1-D signal written
in, the 2-D crop of the bundled digit by number and index); the tests run every flavour against the lesson.
"""

from __future__ import annotations

from convscope.export.pages_code import _PRINT, _check, _header, _numbers
from convscope.export.pages_fft import describe_fft
from convscope.export.pages_matrix_m import describe_matrix
from convscope.export.snippets import Framework
from convscope.lessons.matrix import KERNEL_VALUES, SIGNAL_1D, MatrixSetting
from convscope.lessons.spectra import FftSetting

_TORCH = "import numpy as np\nimport torch\nimport torch.nn.functional as F\n\n"


def matrix_m_code(setting: MatrixSetting, framework: Framework = "numpy",
                  crop: tuple[int, int] = (0, 0)) -> str:
    """A script computing ``M``, ``output = M @ x`` and the ``direct`` convolution for ``setting``.

    ``crop`` is the 2-D crop's (top, left) in the digit's 20x20 box, as the lesson chose it.

    Examples
    --------
    >>> "F.conv1d(eye," in matrix_m_code(MatrixSetting(), "torch")
    True
    """
    _check(framework)
    s, torch = setting, framework == "torch"
    conv = "conv1d" if s.dims == 1 else "conv2d"
    args = f"stride={s.stride}, padding={s.padding}, dilation={s.dilation}"
    k = s.kernel_size
    if torch:
        head = _TORCH + ("from convscope import crop_digit, digit\n\n" if s.dims == 2 else "")
        make = "torch.tensor({}, dtype=torch.float64)"
    else:
        head = ("import numpy as np\n\nfrom convscope import convolution_matrix"
                + (", crop_digit, digit" if s.dims == 2 else "") + f"\nfrom convscope.ops import {conv}\n\n")
        make = "np.array({})"
    if s.dims == 1:
        x = f"x = {make.format(_numbers(SIGNAL_1D[:s.size]))}  # ({s.size},): the page's signal\n"
        kernel = f"kernel = {make.format(_numbers(KERNEL_VALUES[:k]))}  # ({k},), unflipped\n"
    else:
        top, left = crop
        box = f"crop_digit(digit({s.digit}, index={s.index})) / 255.0"
        load = f"np.round(({box})[{top}:{top + s.size}, {left}:{left + s.size}], 2)"
        x = (f"x = {('torch.from_numpy(' + load + ')') if torch else load}  "
             f"# ({s.size}, {s.size}): the digit's 20x20 box, where a stroke meets the paper\n")
        kernel = (f"kernel = {make.format(_numbers(KERNEL_VALUES[:k * k]))}.reshape({k}, {k})  "
                  "# unflipped, one colour per weight on the page\n")
    if torch:
        body = (f"direct = F.{conv}(x[None, None], kernel[None, None], {args})[0, 0]\n"
                "# Column j of M is the output for the j-th unit impulse: convolve all of them at once.\n"
                "eye = torch.eye(x.numel(), dtype=torch.float64).reshape(x.numel(), 1, *x.shape)\n"
                f"M = F.{conv}(eye, kernel[None, None], {args}).reshape(x.numel(), -1).T  # (out, in)\n"
                "output = (M @ x.reshape(-1)).reshape(direct.shape)\n"
                "M, output, direct = M.numpy(), output.numpy(), direct.numpy()\n")
    else:
        body = (f"M = convolution_matrix(kernel, x.shape, {args})  # (outputs, inputs)\n"
                f"direct = {conv}(x[None, None], kernel[None, None], {args})[0, 0]\n"
                "output = (M @ x.ravel()).reshape(direct.shape)\n")
    return (_header("matrix & FFT, the weight-sharing matrix M", describe_matrix(s)) + head + x + kernel
            + body
            + "assert np.allclose(output, direct)  # M @ x is the convolution\n"
            + "distinct = len(np.unique(M[M != 0]))\n" + _PRINT
            + 'print(f"M is {M.shape[0]} x {M.shape[1]}: {distinct} distinct non-zero weights, '
            + '{np.count_nonzero(M)} non-zero entries, {M.size} for a dense layer")\n'
            + "print(M)\nprint(output)\n")


def fft_code(setting: FftSetting, framework: Framework = "numpy") -> str:
    """A script computing the spectra, their ``product``, its ``inverse`` and the ``direct`` convolution.

    Examples
    --------
    >>> "torch.fft.rfft(" in fft_code(FftSetting(), "torch")
    True
    """
    _check(framework)
    torch = framework == "torch"
    n, k = len(setting.signal), len(setting.kernel)
    length = (f"L = {n + k - 1}  # n + k - 1: zero-padded, so nothing wraps round\n" if setting.zero_pad else
              f"L = {n}  # n, no padding: the DFT treats f and g as periodic and the tail wraps round\n")
    if torch:
        head = _TORCH
        load = "".join(f"{v} = torch.tensor({_numbers(values)}, dtype=torch.float64)\n"
                       for v, values in (("f", setting.signal), ("g", setting.kernel)))
        body = ("F_f, F_g = torch.fft.rfft(f, n=L), torch.fft.rfft(g, n=L)  # one-sided: f, g are real\n"
                "product = F_f * F_g  # the convolution theorem: multiply pointwise\n"
                "inverse = torch.fft.irfft(product, n=L)\n"
                "# conv1d slides g unflipped: flip it for true convolution, pad so every overlap counts.\n"
                "direct = F.conv1d(f[None, None], g.flip(0)[None, None], padding=g.numel() - 1)[0, 0]\n"
                "F_f, F_g, product, inverse, direct = (\n"
                "    t.numpy() for t in (F_f, F_g, product, inverse, direct))\n")
    else:
        head = "import numpy as np\n\nfrom convscope import convolve\n\n"
        load = "".join(f"{v} = np.array({_numbers(values)})\n"
                       for v, values in (("f", setting.signal), ("g", setting.kernel)))
        body = ("F_f, F_g = np.fft.rfft(f, n=L), np.fft.rfft(g, n=L)  # one-sided: the signals are real\n"
                "product = F_f * F_g  # the convolution theorem: multiply pointwise\n"
                "inverse = np.fft.irfft(product, n=L)\n"
                "direct = convolve(f, g, method=\"direct\")  # f * g summed directly: the right answer\n")
    return (_header("matrix & FFT, convolution through the FFT", describe_fft(setting)) + head + load + length
            + body + "difference = inverse - direct[:L]  # rounding when zero-padded, else the wrapped tail\n"
            + _PRINT + 'print(f"L = {L}; largest difference {np.abs(difference).max():.1e}")\n'
            + 'print("|DFT(f) * DFT(g)|:", np.abs(product))\nprint("inverse:", inverse)\n'
            + 'print("direct: ", direct)\n')
