"""Code that reproduces the Image kernels page: a short runnable script, with convscope or with PyTorch.

Both flavours load the picture the way the page got it (a bundled photo by name through
`convscope.data.photos.bundled_photo`, or your own picture from the ``.npy`` saved beside the script),
filter it with exactly the page's settings, and save what the page shows as ``convscope_result.png``.
The tests run every flavour and compare its ``result`` with the page's own numbers.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np

from convscope.errors import SettingError
from convscope.export.snippets import FRAMEWORKS, Framework, _literal
from convscope.kernels import kernel as named_kernel
from convscope.lessons.image_kernels import DIVERGING, Filtering

PICTURE_FILE = "convscope_picture.npy"  # your picture, (H, W, 3) uint8, saved beside the script
RESULT_FILE = "convscope_result.png"  # what the script saves: the picture the page shows
CODE_VIEWS = ("result", "magnitude")  # the pictures a script reproduces (the others compare two runs)
_PAD_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate", "circular": "circular"}


@dataclass(frozen=True)
class KernelsCode:
    """What a script needs: the page's `Filtering`, the kernel's name (None: typed) and the photo's."""

    filtering: Filtering
    kernel: str | None = None  # a catalogue name, with `size`; None when the weights were typed
    size: int = 3
    photo: str | None = None  # a bundled photo's name; None: your picture, loaded from PICTURE_FILE

    def describe(self) -> str:
        """One line for a caption or a docstring.

        Examples
        --------
        >>> KernelsCode(Filtering(np.ones((3, 3)), padding_mode="reflect"), "box", 3, "coffee").describe()
        'photo coffee · kernel box 3x3 · rgb · padding reflect · cross-correlation · clamped'
        """
        f = self.filtering
        source = f"photo {self.photo}" if self.photo else "your picture"
        kh, kw = f.weights.shape
        kernel = f"kernel {self.kernel} {kh}x{kw}" if self.kernel else f"your {kh}x{kw} kernel"
        if f.normalise:
            kernel += " (normalised)"
        if f.view == "magnitude":
            kernel = "edge magnitude (two 3x3 Sobels)"
        how = "convolution (flipped)" if f.flip else "cross-correlation"
        shown = "" if f.view in CODE_VIEWS else f" · picture: {f.view}"
        if f.second is not None and f.view in ("twice", "once", "difference"):
            shown += f" with a second {f.second.shape[0]}x{f.second.shape[1]} kernel"
        return f"{source} · {kernel} · {f.channels} · padding {f.padding_mode} · {how} · {f.display}{shown}"


def kernels_code(code: KernelsCode, framework: Framework = "numpy") -> str:
    """A script reproducing the page's picture for ``code``, with convscope or PyTorch.

    Examples
    --------
    >>> settings = KernelsCode(Filtering(np.ones((3, 3)), flip=True), "box", 3, "coffee")
    >>> "convscope.apply_kernel(image, kernel, padding_mode='zeros', flip=True)" in kernels_code(settings)
    True
    >>> "F.conv2d(x, kernel[None, None])" in kernels_code(settings, "torch")
    True
    """
    if framework not in FRAMEWORKS:
        raise SettingError("framework", f"must be one of {', '.join(FRAMEWORKS)}, got {framework!r}")
    view = code.filtering.view
    if view not in CODE_VIEWS:
        raise SettingError("view", f"a script reproduces the kernel's result or the edge magnitude, not "
                           f"{view!r}: choose one of those under Picture, or export the PNG")
    body = _numpy_body(code) if framework == "numpy" else _torch_body(code)
    title = textwrap.fill(f"convscope image kernels: {code.describe()}.", 100, break_on_hyphens=False)
    header = f'"""{title}\n\nSaves {RESULT_FILE}: the picture the page shows.\n"""\n\n'
    return header + body + _shown(code.filtering) + _SAVE


def _load(code: KernelsCode) -> str:
    if code.photo:
        return f"image = bundled_photo({code.photo!r})  # (H, W, 3) uint8, the page's photo\n"
    return f"image = np.load({PICTURE_FILE!r})  # (H, W, 3) uint8: your picture, saved beside this script\n"


def _numpy_body(code: KernelsCode) -> str:
    f = code.filtering
    lines = ["import numpy as np", "from PIL import Image", "", "import convscope"]
    if code.photo:
        lines.append("from convscope.data.photos import bundled_photo")
    if code.kernel and f.view == "result":
        lines.append("from convscope.kernels import image_kernel")
    lines += ["", _load(code).rstrip()]
    if f.channels == "luminance":
        lines.append("image = image.astype(np.float64) @ np.array([0.299, 0.587, 0.114])  # luminance "
                     "(BT.601), (H, W)")
    if f.view == "magnitude":
        lines.append(f"result = convscope.edge_magnitude(image, padding_mode={f.padding_mode!r})  "
                     "# sqrt(Gx² + Gy²), two 3x3 Sobels")
        return "\n".join(lines) + "\n"
    if code.kernel:
        lines.append(f"kernel = image_kernel({code.kernel!r}, {code.size})  # {f.weights.shape}")
    else:
        lines.append(f"kernel = np.array({_literal(f.weights)})  # your kernel")
    if f.normalise:
        lines.append("kernel = kernel / kernel.sum()  # normalised: a flat picture keeps its brightness")
    each = "" if f.channels == "luminance" else "Each channel filtered alone; "
    lines.append(f"# {each}the same size out, the border filled as padding_mode says.")
    lines.append(f"result = convscope.apply_kernel(image, kernel, padding_mode={f.padding_mode!r}, "
                 f"flip={f.flip})")
    return "\n".join(lines) + "\n"


def _torch_body(code: KernelsCode) -> str:
    f = code.filtering
    data = "from convscope.data.photos import bundled_photo\n" if code.photo else ""
    grey = f.channels == "luminance"
    lines = [
        "import numpy as np", "import torch", "import torch.nn.functional as F", "from PIL import Image", "",
        data + "", _load(code).rstrip(), "image = torch.from_numpy(image.astype(np.float64))  # (H, W, 3)",
    ]
    if grey:
        lines += ["image = image @ torch.tensor([0.299, 0.587, 0.114], dtype=torch.float64)  # luminance, "
                  "(H, W)", "x = image[None, None]  # (1, 1, H, W)"]
    else:
        lines.append("x = image.permute(2, 0, 1)[:, None]  # (3, 1, H, W): each channel alone, as a batch")
    top = "kh - 1 - kh // 2" if f.flip else "kh // 2"
    left = "kw - 1 - kw // 2" if f.flip else "kw // 2"
    lines += [
        "", "", "def correlate(x, kernel):",
        '    """Same size out: pad as the page does, around the kernel\'s centre, then conv2d."""',
        "    kh, kw = kernel.shape",
        f"    top, left = {top}, {left}",
        "    x = F.pad(x, (left, kw - 1 - left, top, kh - 1 - top), "
        f"mode={_PAD_MODES[f.padding_mode]!r})  # padding_mode {f.padding_mode!r}",
    ]
    if f.flip:
        lines.append("    kernel = kernel.flip(0, 1)  # true convolution: the kernel turned half a turn")
    lines += ["    return F.conv2d(x, kernel[None, None])  # cross-correlation, as conv2d does", "", ""]
    if f.view == "magnitude":
        sobel_x, sobel_y = named_kernel("sobel_x"), named_kernel("sobel_y")
        lines += [f"sobel_x = torch.tensor({_literal(sobel_x)}, dtype=torch.float64)",
                  f"sobel_y = torch.tensor({_literal(sobel_y)}, dtype=torch.float64)",
                  "out = torch.hypot(correlate(x, sobel_x), correlate(x, sobel_y))  # sqrt(Gx² + Gy²)"]
    else:
        name = code.kernel or "your kernel"
        lines.append(f"kernel = torch.tensor({_literal(f.weights)}, dtype=torch.float64)  # {name}")
        if f.normalise:
            lines.append("kernel = kernel / kernel.sum()  # normalised")
        lines.append("out = correlate(x, kernel)")
    shape = "(H, W)" if grey else "(H, W, 3)"
    back = "out[0, 0]" if grey else "out[:, 0].permute(1, 2, 0)"
    lines.append(f"result = {back}.numpy()  # {shape}")
    return "\n".join(lines) + "\n"


def _shown(f: Filtering) -> str:
    """How the page turns the floats into pixels (`convscope.lessons.image_kernels.render`)."""
    if f.display == "clamped":
        return ("\n# Shown clamped: 0..255 kept, the rest clipped.\n"
                "shown = np.clip(np.rint(result), 0, 255).astype(np.uint8)\n")
    stops = np.asarray(DIVERGING, dtype=np.float64).T.tolist()
    signed = (
        "    t = (result / limit + 1) / 2  # 0..1, 0.5 at zero\n"
        + ("    shown = np.rint(t * 255).astype(np.uint8)  # black-grey-white, channel by channel\n"
           if f.channels == "rgb" else
           f"    stops = {stops}  # blue-white-red, as r, g, b rows\n"
           "    rgb = np.stack([np.interp(t, (0.0, 0.5, 1.0), c) for c in stops], axis=-1)  # (H, W, 3)\n"
           "    shown = np.rint(rgb).astype(np.uint8)\n")
    )
    return (
        "\n# Shown signed: the largest magnitude at the ends; never-negative values from black to white.\n"
        "limit = float(np.abs(result).max()) or 1.0\n"
        "if result.min() >= 0:\n"
        "    shown = np.rint(result * (255 / limit)).astype(np.uint8)\n"
        "else:\n" + signed
    )


_SAVE = f"""
print(f"result {{result.shape}}: min {{result.min():.6g}}, max {{result.max():.6g}}")
Image.fromarray(shown).save({RESULT_FILE!r})
"""
