"""Code that reproduces a playground export: a short runnable script, with convscope or with PyTorch.

Both flavours load the input the same way the page does (the bundled digit through convscope's public
data functions, or your own array from the ``.npy`` saved beside the script) and print the output with
the same print options, so the two scripts' outputs can be laid side by side. The tests run every
flavour and compare what it prints with the lesson's numbers.
"""

from __future__ import annotations

import textwrap
from typing import Literal

from convscope.arithmetic import explain_convolution
from convscope.errors import SettingError
from convscope.export.settings import PlaygroundSettings
from convscope.lessons.playground import DEFAULT_KERNEL_SIZE

Framework = Literal["numpy", "torch"]
FRAMEWORKS: tuple[Framework, ...] = ("numpy", "torch")
INPUT_FILE = "convscope_input.npy"  # where an export saves your own image, beside the script

_PRINT = """\
np.set_printoptions(precision=4, suppress=True, linewidth=160, threshold=100_000)
print(f"output {output.shape[0]}x{output.shape[1]}:")
print(output)
"""


def playground_code(settings: PlaygroundSettings, framework: Framework = "numpy",
                    image_file: str = INPUT_FILE) -> str:
    """A script reproducing the playground's output for ``settings`` with convscope or PyTorch.

    Parameters
    ----------
    settings : the playground's settings (a `SettingError` says why when the kernel fits nowhere)
    framework : ``"numpy"`` (convscope's engine) or ``"torch"`` (``torch.nn.functional.conv2d``)
    image_file : the ``.npy`` the script loads when ``settings.image`` is your own array

    Examples
    --------
    >>> code = playground_code(PlaygroundSettings(kernel="sobel_x", padding=1), "torch")
    >>> "F.conv2d(image[None, None], weights[None, None], padding=1, stride=1, dilation=1)" in code
    True
    """
    if framework not in FRAMEWORKS:
        raise SettingError("framework", f"must be one of {', '.join(FRAMEWORKS)}, got {framework!r}")
    weights = settings.weights()
    shape = settings.image_array().shape
    info = explain_convolution(shape, weights.shape, settings.padding, settings.stride, settings.dilation)
    if not info["fits"]:
        raise SettingError("kernel_size", info["summary"])
    out = "x".join(map(str, info["output_size"] or []))
    header = [f'"""convscope playground: {settings.describe()}.', "", f"Output {out}."]
    if not info["valid"]:
        header += textwrap.wrap(info["summary"], 100)
    header += ['"""', ""]
    body = _numpy_body(settings, image_file) if framework == "numpy" else _torch_body(settings, image_file)
    return "\n".join(header) + body + "\n" + _PRINT


def _arguments(settings: PlaygroundSettings) -> str:
    return f"padding={settings.padding}, stride={settings.stride}, dilation={settings.dilation}"


def _image_source(settings: PlaygroundSettings, image_file: str) -> tuple[str, str]:
    """The expression loading the input as an (H, W) float64 NumPy array, and a comment saying what it is."""
    if settings.image is not None:
        h, w = len(settings.image), len(settings.image[0])
        return f"np.load({image_file!r})", f"({h}, {w}): your image, saved beside this script"
    return (f"crop_digit(digit({settings.digit}, index={settings.index})) / 255.0",
            "(20, 20): the digit's box, ink in [0, 1]")


def _numpy_body(settings: PlaygroundSettings, image_file: str) -> str:
    names = ["convolution_output"]
    if settings.image is None:
        names += ["crop_digit", "digit"]
    if isinstance(settings.kernel, str):
        names.append("kernel")
        size = settings.kernel_size or DEFAULT_KERNEL_SIZE
        weights = f"weights = kernel({settings.kernel!r}, {size})  # ({size}, {size})\n"
    else:
        weights = f"weights = np.array({_literal(settings.kernel)})  # your kernel\n"
    image, comment = _image_source(settings, image_file)
    return (
        "import numpy as np\n\n"
        f"from convscope import {', '.join(sorted(names))}\n\n"
        f"image = {image}  # {comment}\n"
        + weights
        + "# Cross-correlation, as torch.nn.functional.conv2d computes it; one output cell per window.\n"
        f"output = convolution_output(image, weights, {_arguments(settings)})\n"
    )


def _torch_body(settings: PlaygroundSettings, image_file: str) -> str:
    data = "" if settings.image is not None else "\nfrom convscope import crop_digit, digit\n"
    name = settings.kernel if isinstance(settings.kernel, str) else "your kernel"
    image, comment = _image_source(settings, image_file)
    return (
        "import numpy as np\n"
        "import torch\n"
        "import torch.nn.functional as F\n"
        f"{data}\n"
        f"image = torch.from_numpy({image})  # {comment}\n"
        f"weights = torch.tensor({_literal(settings.weights().tolist())}, dtype=torch.float64)  # {name}\n"
        "# conv2d takes (N, C_in, H, W) images and (C_out, C_in, kH, kW) weights: add the two axes.\n"
        f"output = F.conv2d(image[None, None], weights[None, None], {_arguments(settings)})[0, 0].numpy()\n"
    )


def _literal(matrix: object) -> str:
    """A nested list of floats written so Python reads back the very same numbers."""
    rows = [[float(v) for v in row] for row in matrix]  # type: ignore[attr-defined]
    return "[" + ", ".join("[" + ", ".join(repr(v) for v in row) + "]" for row in rows) + "]"
