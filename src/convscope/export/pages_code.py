"""Code that reproduces the Signals, Layers and Matrix & FFT pages: short scripts, convscope or PyTorch.

Each script loads its input the way the page does (a named waveform on the page's grid, the ball drop's
weights or your drawing written in as numbers; the Layers page's bundled digit by number and index, the
bundled photo cropped by name; the transposed convolution's 1, 2, 3, ... written in), computes with
convscope's engine or with ``torch.nn.functional``, and prints the result. The tests run every flavour
and compare its variables with the lesson's numbers.
"""

from __future__ import annotations

import numpy as np

from convscope.errors import SettingError
from convscope.export.pages_layers import describe_layers
from convscope.export.pages_matrix import describe_transposed
from convscope.export.pages_signals import SlideSetting, describe_slide
from convscope.export.snippets import FRAMEWORKS, Framework
from convscope.lessons.drop_slide import DropSlide
from convscope.lessons.layers import LayerSetting
from convscope.lessons.signals import GRID_POINTS, GRID_START, GRID_STEP
from convscope.lessons.transposed import TransposedSetting

_PRINT = "np.set_printoptions(precision=4, suppress=True, linewidth=160, threshold=100_000)\n"


def _check(framework: str) -> None:
    if framework not in FRAMEWORKS:
        raise SettingError("framework", f"must be one of {', '.join(FRAMEWORKS)}, got {framework!r}")


def _numbers(values: object) -> str:
    """A list of floats written so Python reads back the very same numbers."""
    return "[" + ", ".join(repr(float(v)) for v in np.asarray(values, dtype=np.float64).ravel()) + "]"


def _header(page: str, description: str) -> str:
    return f'"""convscope {page}: {description}."""\n\n'


# ---- Signals: flip and slide ----------------------------------------------------------------------------

def signals_code(setting: SlideSetting, framework: Framework = "numpy") -> str:
    """A script computing the slide's ``result`` at every ``t`` for ``setting``, as the page shows it.

    Examples
    --------
    >>> from convscope.lessons.signals import Slide
    >>> "F.conv1d(" in signals_code(Slide("box", "triangle"), "torch")
    True
    """
    _check(framework)
    torch = framework == "torch"
    if isinstance(setting, DropSlide):
        ours, body = _drop_signals(setting, torch)
    else:
        ours, body = _grid_signals(setting, torch)
    imports = "import numpy as np\n" + ("import torch\nimport torch.nn.functional as F\n" if torch else "")
    imports += f"\nfrom convscope.signal import {ours}\n" if ours else ""
    return (_header("signals, flip and slide", describe_slide(setting)) + imports
            + (_TORCH_CONVOLVE if torch else "\n") + body + _slide_tail(setting, torch))


_TORCH_CONVOLVE = """

def convolve(a, b):
    \"\"\"True convolution: conv1d slides b unflipped, so flip it; pad so every overlap counts.\"\"\"
    return F.conv1d(a[None, None], b.flip(0)[None, None], padding=b.numel() - 1)[0, 0]


"""


def _grid_signals(setting: SlideSetting, torch: bool) -> tuple[str, str]:
    """f and g on the page's grid: a waveform sampled there by convscope, or your drawing's numbers."""
    def load(name: str, spec: object) -> str:
        value = f"waveform({spec!r}, tau)" if isinstance(spec, str) else f"np.array({_numbers(spec)})"
        return f"{name} = torch.from_numpy({value})\n" if torch else f"{name} = {value}\n"

    named = isinstance(setting.f, str) or isinstance(setting.g, str)
    uses = ", ".join(n for n, wanted in (("convolve", not torch), ("waveform", named)) if wanted)
    code = (f"STEP = {GRID_STEP!r}\n"
             f"tau = {GRID_START!r} + STEP * np.arange({GRID_POINTS})  # the page's grid, -2 .. 4\n")
    code += load("f", setting.f) + load("g", setting.g)
    if setting.repeat:
        offset = round(-GRID_START / GRID_STEP)
        code += (f"for _ in range({setting.repeat}):  # f becomes f * g, read back on the grid\n"
                 f"    f = (convolve(f, g) * STEP)[{offset}:{offset + GRID_POINTS}]\n")
    return uses, code


def _drop_signals(setting: DropSlide, torch: bool) -> tuple[str, str]:
    """The ball drop's weights written in, renormalised to probabilities as the page does."""
    pairs = (("f", setting.f), ("g", setting.g))
    if torch:
        code = "".join(f"{name} = torch.tensor({_numbers(w)}, dtype=torch.float64)\n"
                       f"{name} = {name} / {name}.sum()  # probabilities\n" for name, w in pairs)
    else:
        code = "".join(
            f"{name} = distribution({_numbers(w)}, {name!r})  # sums to 1\n" for name, w in pairs)
    code += "STEP = 1.0  # whole steps: each value is a plain sum of products\n"
    if setting.repeat:
        code += (f"for _ in range({setting.repeat}):  # the ball dropped {2 + setting.repeat} times\n"
                 "    f = convolve(f, g)\n")
    return ("" if torch else "convolve, distribution"), code


def _slide_tail(setting: SlideSetting, torch: bool) -> str:
    """The result and where each value sits (t, or the lag of g for a cross-correlation)."""
    if setting.flip:
        line = "result = convolve(f, g) * STEP  # convolution: g flipped and slid\n"
    elif torch:
        line = ("# cross-correlation: conv1d as it is, g slid unflipped\n"
                "result = F.conv1d(f[None, None], g[None, None], padding=g.numel() - 1)[0, 0] * STEP\n")
    else:
        line = "result = convolve(f, g[::-1]) * STEP  # cross-correlation: convolution with g reversed\n"
    if torch:
        line += "result = result.numpy()\n"
    start = "0.0" if isinstance(setting, DropSlide) else repr(2 * GRID_START)
    if setting.flip:
        line += f"t = {start} + STEP * np.arange(result.size)  # where each value sits\n"
    else:
        line += "t = STEP * (np.arange(result.size) - (len(g) - 1))  # the lag of g\n"
    return line + _PRINT + 'print(f"{result.size} values, t from {t[0]:g} to {t[-1]:g}:")\nprint(result)\n'


# ---- Layers: a convolution layer, its activation and four poolings ----------------------------------

_ACTIVATIONS = {"relu": ("relu(output[{f}])", "F.relu(output[{f}])"),
                "leaky_relu": ("leaky_relu(output[{f}], {a!r})", "F.leaky_relu(output[{f}], {a!r})"),
                "tanh": ("tanh(output[{f}])", "torch.tanh(output[{f}])"),
                "sigmoid": ("sigmoid(output[{f}])", "torch.sigmoid(output[{f}])")}


def layers_code(setting: LayerSetting, framework: Framework = "numpy", unit_filter: int = 0) -> str:
    """A script computing the layer's ``output``, ``activated`` (map ``unit_filter``) and ``pooled`` maps.

    Examples
    --------
    >>> "F.conv2d(x[None], weights, bias, stride=1, padding=1)" in layers_code(LayerSetting(), "torch")
    True
    """
    _check(framework)
    torch = framework == "torch"
    s, f = setting, unit_filter
    ops = "avg_pool2d, conv2d, lp_pool2d, max_pool2d, sum_pool2d, " + s.activation
    imports = ("import numpy as np\nimport torch\nimport torch.nn.functional as F\n\n" if torch
               else f"import numpy as np\n\nfrom convscope.ops import {ops}\n")
    load, channels = _layers_input(s)
    names = "named_bank" if s.init == "named" else "random_bank"
    code = _header("layers", describe_layers(s)) + imports + load
    code += f"from convscope.lessons.layers_filters import {names}\n\n" + _layers_x(s)
    if s.init == "named":
        code += f"bank = named_bank({channels!r}, {s.kernel_size}, {s.filters})  # the page's named filters\n"
    else:
        code += (f"bank = random_bank({len(channels)}, {s.kernel_size}, {s.filters}, "
                 f"np.random.default_rng({s.seed}))  # drawn as torch.nn.Conv2d draws them\n")
    k, st, p = s.pool_kernel_size, s.pool_stride, s.pool_padding
    act = _ACTIVATIONS[s.activation][1 if torch else 0].format(f=f, a=s.negative_slope)
    if torch:
        code += ("x, weights, bias = (torch.from_numpy(v) for v in (x, bank.weights, bank.bias))\n"
                 f"output = F.conv2d(x[None], weights, bias, stride={s.stride}, padding={s.padding})[0]  "
                 "# (F, H_out, W_out)\n"
                 f"activated = {act}  # map {f + 1}, as the page shows it\n"
                 "a = activated[None, None]  # (N, C, H, W) for the poolings\n"
                 f"pooled = {{\"max\": F.max_pool2d(a, {k}, {st}, {p}),\n"
                 f"          \"avg\": F.avg_pool2d(a, {k}, {st}, {p}),\n"
                 f"          \"sum\": F.avg_pool2d(a, {k}, {st}, {p}, divisor_override=1),\n"
                 f"          \"l2\": F.lp_pool2d(F.pad(a, ({p}, {p}, {p}, {p})), 2, {k}, {st})}}"
                 "  # lp_pool2d has no padding: zeros add nothing\n"
                 "output = output.numpy()\nactivated = activated.numpy()\n"
                 "pooled = {name: value[0, 0].numpy() for name, value in pooled.items()}\n")
    else:
        code += (f"output = conv2d(x[None], bank.weights, bank.bias, {s.stride}, {s.padding})[0]  "
                 "# (F, H_out, W_out)\n"
                 f"activated = {act}  # map {f + 1}, as the page shows it\n"
                 "a = activated[None, None]  # (N, C, H, W) for the poolings\n"
                 f"padded = np.pad(a, ((0, 0), (0, 0), ({p}, {p}), ({p}, {p})))  # L2 pooling reads zeros\n"
                 f"pooled = {{\"max\": max_pool2d(a, {k}, {st}, {p}), \"avg\": avg_pool2d(a, {k}, {st}, {p}),"
                 f"\n          \"sum\": sum_pool2d(a, {k}, {st}, {p}),"
                 f" \"l2\": lp_pool2d(padded, 2, {k}, {st})}}\n"
                 "pooled = {name: value[0, 0] for name, value in pooled.items()}\n")
    return code + _PRINT + ('print(f"output volume {output.shape}")\n'
                            'for name, value in pooled.items():\n'
                            '    print(f"{name} pooling {value.shape[0]}x{value.shape[1]}:")\n'
                            '    print(value)\n')


def _layers_input(s: LayerSetting) -> tuple[str, tuple[str, ...]]:
    """The import that loads the page's input, and its channel names."""
    if s.input == "digit":
        return "from convscope import digit\n", ("ink",)
    if s.input == "photo":
        return ("from convscope.data.images import resize_area\n"
                "from convscope.data.photos import bundled_photo\n"), ("red", "green", "blue")
    return "from convscope.lessons.layers_input import layers_input\n", ("red", "green", "blue")


def _layers_x(s: LayerSetting) -> str:
    """The (C, H, W) input in [0, 1], loaded as the page loads it."""
    if s.input == "digit":
        return f"x = digit({s.digit}, index={s.index})[None] / 255.0  # (1, 28, 28): ink in [0, 1]\n"
    if s.input == "photo":
        return ("crop = bundled_photo(\"chelsea\")[0:300, 60:360] / 255.0  # the cat's face, (300, 300, 3)\n"
                "x = np.stack([resize_area(crop[:, :, c], 32) for c in range(3)])  # (3, 32, 32)\n")
    what = "convscope's colour shapes" if s.input == "shapes" else "three digits, one per colour"
    return f"x = layers_input({s.input!r}).values  # (3, 32, 32): {what}\n"


# ---- Matrix & FFT: the transposed convolution -------------------------------------------------------

def matrix_code(setting: TransposedSetting, framework: Framework = "numpy") -> str:
    """A script computing the transposed convolution's ``output`` for ``setting``.

    Examples
    --------
    >>> "F.conv_transpose2d(" in matrix_code(TransposedSetting(), "torch")
    True
    """
    _check(framework)
    s = setting
    n, k = s.input_size, s.kernel_size
    x = np.arange(1.0, n * n + 1).reshape(n, n).tolist()
    kernel = np.arange(1.0, k * k + 1).reshape(k, k).tolist()
    args = (f"stride={s.stride}, padding={s.padding}, output_padding={s.output_padding}, "
            f"dilation={s.dilation}")
    if framework == "torch":
        head = "import numpy as np\nimport torch\nimport torch.nn.functional as F\n\n"
        make = "torch.tensor({}, dtype=torch.float64)"
        call = f"F.conv_transpose2d(x[None, None], kernel[None, None], {args})[0, 0].numpy()"
    else:
        head = "import numpy as np\n\nfrom convscope.ops import conv_transpose2d\n\n"
        make = "np.array({})"
        call = f"conv_transpose2d(x[None, None], kernel[None, None], {args})[0, 0]"
    return (_header("matrix & FFT, transposed convolution", describe_transposed(s)) + head
            + f"x = {make.format(x)}  # ({n}, {n}): 1, 2, 3, ... so each input can be told apart\n"
            + f"kernel = {make.format(kernel)}  # ({k}, {k}), as weight[0, 0]\n"
            + "# (N, C, H, W) input and (C_in, C_out, kH, kW) weight: add the two axes.\n"
            + f"output = {call}\n" + _PRINT
            + 'print(f"output {output.shape[0]}x{output.shape[1]}:")\nprint(output)\n')
