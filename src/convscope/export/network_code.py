"""Code that reproduces the network view's guess: the shipped LeNet reads your drawing, with convscope or
PyTorch.

The input is the page's own: a bundled digit by number and index, put through MNIST's preprocessing as the
page does (`convscope.to_mnist`), or your drawing's 28x28 preprocessed field written into the script as
float32 numbers, which is exactly what the network reads (it computes in float32). Both flavours print
the ten probabilities, so they can be laid beside the page's bars; the tests compare them with the page's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from convscope.errors import SettingError
from convscope.export.snippets import FRAMEWORKS, Framework

WEIGHTS_FILE = "convscope-lenet.npz"  # your trained model (Training page: Download weights), beside it

# A LeNet in torch.nn with convscope's layer names, so the shipped .npz's arrays load as its state dict.
TORCH_LENET = '''

def lenet(conv1_channels=6, conv2_channels=16, kernel_size=5):
    """convscope.nn.lenet in torch.nn: same layers, same names, so convscope's weights load into it."""
    k = kernel_size
    side = ((32 - k + 1) // 2 - k + 1) // 2  # after conv1, pool1, conv2, pool2
    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(1, conv1_channels, k)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(conv1_channels, conv2_channels, k)), ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(2)), ("flatten", nn.Flatten()),
        ("fc1", nn.Linear(conv2_channels * side * side, 120)), ("relu3", nn.ReLU()),
        ("fc2", nn.Linear(120, 100)), ("relu4", nn.ReLU()),
        ("fc3", nn.Linear(100, 10)),  # logits; softmax gives the probabilities
    ]))

'''


@dataclass(frozen=True)
class NetworkCode:
    """The network view's input: a bundled digit, or the drawing's preprocessed (28, 28) field; the model."""

    digit: int | None = 7
    index: int = 0
    field: npt.NDArray[np.float64] | None = None  # (28, 28) in [0, 1]: your drawing after to_mnist
    model: str = "pretrained"  # "pretrained" (shipped) or "trained" (loaded from WEIGHTS_FILE)


def network_code(code: NetworkCode, framework: Framework = "numpy") -> str:
    """A script printing the LeNet's ten probabilities for the page's input, with convscope or PyTorch.

    Examples
    --------
    >>> "pretrained().predict(image)[0]" in network_code(NetworkCode(digit=7))
    True
    >>> "model.load_state_dict(" in network_code(NetworkCode(digit=7), "torch")
    True
    """
    if framework not in FRAMEWORKS:
        raise SettingError("framework", f"must be one of {', '.join(FRAMEWORKS)}, got {framework!r}")
    if code.field is None and code.digit is None:
        raise SettingError("image", "give a drawing or a digit 0..9: there is nothing to predict")
    what = f"digit {code.digit} (example {code.index})" if code.field is None else "your drawing"
    model = "the shipped LeNet" if code.model == "pretrained" else f"your trained LeNet ({WEIGHTS_FILE})"
    header = f'"""convscope network: {model} reads {what} and gives ten probabilities."""\n\n'
    body = _numpy_body(code) if framework == "numpy" else _torch_body(code)
    return header + body + _PRINT


def _image(code: NetworkCode, float32: str) -> str:
    """The line(s) making ``image``, the (28, 28) preprocessed field the network reads (padded to 32)."""
    if code.field is None:
        return (f"image = to_mnist(digit({code.digit}, index={code.index})).centred  # (28, 28): cropped, "
                "fitted, centred as MNIST's\n")
    rows = ",\n".join("    [" + ", ".join(_number(v) for v in row) + "]" for row in code.field)
    return ("# Your drawing after MNIST's preprocessing (crop, fit in 20x20, centre in 28x28).\n"
            f"image = {float32}([\n{rows},\n])  # (28, 28)\n")


def _number(value: float) -> str:
    """A float32's shortest exact form: the very number the float32 network reads."""
    v = np.float32(value)
    return "0" if v == 0 else np.format_float_positional(v, unique=True, trim="-")


def _numpy_body(code: NetworkCode) -> str:
    imports = "import numpy as np\n\n"
    imports += ("from convscope.nn import pretrained\n" if code.model == "pretrained"
                else "from convscope.nn import load\n")
    if code.field is None:
        imports += "from convscope import digit, to_mnist\n"
    model = "pretrained()" if code.model == "pretrained" else f"load({WEIGHTS_FILE!r})"
    return (imports + "\n" + _image(code, "np.float32")
            + "# predict pads 28x28 to LeNet's 32x32 with 2 blank pixels a side, as the page does.\n"
            f"probabilities = {model}.predict(image)[0]\n")


def _torch_body(code: NetworkCode) -> str:
    data = "\nfrom convscope import digit, to_mnist" if code.field is None else ""
    source = "WEIGHTS" if code.model == "pretrained" else repr(WEIGHTS_FILE)
    where = ("from convscope.nn.pretrained import WEIGHTS  # the shipped lenet_mnist.npz\n"
             if code.model == "pretrained" else "")
    return (
        "from collections import OrderedDict\n\nimport numpy as np\nimport torch\n"
        f"import torch.nn.functional as F\nfrom torch import nn\n{data}\n{where}" + TORCH_LENET + "\n"
        f"with np.load({source}) as arrays:  # one array per parameter, named as the layers above\n"
        "    weights = {name: torch.from_numpy(arrays[name]) for name in arrays.files\n"
        "               if not name.startswith('__')}  # __architecture__ describes the layers\n"
        "c1, _, k, _ = weights['conv1.weight'].shape\n"
        "model = lenet(c1, weights['conv2.weight'].shape[0], k)\n"
        "model.load_state_dict(weights)\n"
        "model.eval()\n\n" + _image(code, "np.float32") +
        "x = F.pad(torch.from_numpy(np.asarray(image, dtype=np.float32)), (2, 2, 2, 2))[None, None]  "
        "# (1, 1, 32, 32)\n"
        "with torch.no_grad():\n"
        "    probabilities = F.softmax(model(x), dim=1)[0].numpy()\n"
    )


_PRINT = """
for digit_class, p in enumerate(probabilities):
    print(f"{digit_class}: {p:.6f}")
print("prediction:", int(np.argmax(probabilities)))
"""
