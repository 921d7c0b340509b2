"""The headline rows of RESULTS.md, read off the tables the benchmark scripts print.

Each reader takes one script's printed output and returns rows (what, ours, peer, ratio, target); every
number in them is copied from that output, never recomputed, so RESULTS.md shows what the run measured.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Row = tuple[str, str, str, str, str]  # what, ours, peer, ratio (above 1: ours is faster), target


def tables(text: str) -> list[list[dict[str, str]]]:
    """Every markdown table in ``text``, each as its rows of {header: cell}."""
    found: list[list[dict[str, str]]] = []
    block: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            block.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif block:
            header, _rule, *rows = block
            found.append([_cells(header, row) for row in rows])
            block = []
    return found


def _cells(header: list[str], row: list[str]) -> dict[str, str]:
    """{header: cell}; where two columns share a header (``torch/ours`` twice), the first one keeps it."""
    cells: dict[str, str] = {}
    for name, value in zip(header, row, strict=False):
        cells.setdefault(name, value)
    return cells


def row(text: str, first_cell: str) -> dict[str, str]:
    """The first table row whose first cell starts with ``first_cell``."""
    for table in tables(text):
        for cells in table:
            if next(iter(cells.values()), "").startswith(first_cell):
                return cells
    raise LookupError(f"no table row starting with {first_cell!r}")


def cell(cells: dict[str, str], column: str) -> str:
    """The cell under the first header that starts with ``column``."""
    return next(value for header, value in cells.items() if header.startswith(column))


def number(text: str) -> float:
    """A printed number (``8,755``) as a float."""
    return float(text.replace(",", ""))


def target(met: bool, goal: str) -> str:
    """A target cell: the goal and whether this run met it."""
    return f"{goal}: {'met' if met else 'not met'}"


def api(out: str) -> list[Row]:
    """bench_api: the real server's median for the playground's default request, on a cache miss."""
    ms = row(out, "real uvicorn server")["median ms"]
    what = "`POST /api/convolve`, 20x20 digit, 3x3, real server, answer not kept (median)"
    return [(what, f"{ms} ms", "—", "—", target(number(ms) < 5, "< 5 ms"))]


def trace(out: str) -> list[Row]:
    """bench_trace: the playground's answer and its JSON for the digit (part of the 5 ms budget above)."""
    ms = row(out, "MNIST digit")["lesson + orjson (ms)"]
    return [("convolution_lesson + orjson, 20x20 digit, 3x3 (median, in process)", f"{ms} ms", "—", "—", "—")]


def network(out: str) -> list[Row]:
    """bench_network: the predict route through the real server."""
    ms = row(out, "predict: real server")["median ms"]
    return [("`POST /api/network/predict`, real server (median)", f"{ms} ms", "—", "—", "—")]


def network_view(out: str) -> list[Row]:
    """bench_network_view: from lifting the pen to the updated prediction, in chromium."""
    ms = row(out, "stroke end")["median ms"]
    what = "network view: stroke end -> update, headless chromium (median)"
    return [(what, f"{ms} ms", "—", "—", target(number(ms) < 50, "< 50 ms"))]


def train(out: str) -> list[Row]:
    """bench_train: training throughput at each batch, and the time to 98.5% held-out accuracy."""
    rows: list[Row] = []
    for batch in ("64", "256"):
        cells = row(out, batch)
        ratio = cells["ours / torch"]
        rows.append((f"LeNet training throughput (`fit`, Adam), batch {batch}",
                     f"{cells['convscope (images/s)']} img/s", f"{cells['PyTorch (images/s)']} img/s",
                     ratio, target(number(ratio) >= 1.0, ">= 1.0")))  # fmt: skip
    times = dict(re.findall(r"held-out accuracy, (\w+): (.+)", out))
    if times:
        rows.append(("LeNet time to 98.5% held-out accuracy, shipped recipe", times["convscope"],
                     times["PyTorch"], "—", "—"))  # fmt: skip
    return rows


def lenet_ops(out: str) -> list[Row]:
    """bench_lenet_ops: one SGD step written with the ops alone, at each batch."""
    rows: list[Row] = []
    for table in tables(out):
        for cells in table:
            if "ours / torch" in cells:
                order = cells.get("PyTorch's step", "")  # the order PyTorch's step ran in
                name = f"LeNet step from the ops alone (SGD), batch {cells['batch']}"
                ratio = cells["ours / torch"]
                rows.append((f"{name}; PyTorch: {order}" if order else name,
                             f"{cells['convscope (img/s)']} img/s", _unit(cells["PyTorch (img/s)"], "img/s"),
                             ratio, target(number(ratio) >= 1.0, ">= 1.0")))  # fmt: skip
    return rows


def _unit(text: str, unit: str) -> str:
    """``19,458 (24,045 alone)`` -> ``19,458 img/s (24,045 alone)``: the unit after the first number."""
    first, *rest = text.split(" ", 1)
    return " ".join([first, unit, *rest])


def conv(out: str) -> list[Row]:
    """bench_conv: conv2d forward + backward per layer (issue 11's goal: each at least 0.8x PyTorch)."""
    return [(f"conv2d fwd+bwd, {c['layer']}, batch {c['batch']}", f"{c['convscope (ms)']} ms",
             f"{c['PyTorch (ms)']} ms", c["torch / ours"], target(number(c["torch / ours"]) >= 0.8, ">= 0.8"))
            for table in tables(out) for c in table if "torch / ours" in c]  # fmt: skip


def conv_transpose(out: str) -> list[Row]:
    """bench_conv_transpose: conv_transpose2d forward + backward, a decoder's upsampling layer."""
    return [(f"conv_transpose2d fwd+bwd, {c['layer']}, batch {c['batch']}", f"{c['convscope (ms)']} ms",
             f"{c['PyTorch (ms)']} ms", c["torch / ours"], "—")
            for table in tables(out) for c in table if "torch / ours" in c]  # fmt: skip


def convolve2d(out: str) -> list[Row]:
    """bench_convolve2d: ``method="auto"`` against the fastest SciPy function, per kernel."""
    size = re.search(r"image (\d+x\d+)", out)
    rows: list[Row] = []
    for table in tables(out):
        for c in table:
            best = c["best SciPy"]
            rows.append((f"convolve2d auto ({c['auto picks']}), {size and size[1]}, {c['kernel']} kernel",
                         f"{c['convscope (ms)']} ms", f"{cell(c, best)} ms ({best})", c["ratio"], "—"))
    return rows


def pool(out: str) -> list[Row]:
    """bench_pool: max pooling forward + backward at LeNet's shapes, PyTorch on 2 threads."""
    return [(c["case"], f"{c['ours (ms)']} ms", f"{c['torch 2 threads (ms)']} ms", c["torch/ours"], "—")
            for table in tables(out) for c in table if c["case"].startswith("max_pool2d 2x2/2 forward+")]


def apply_kernel(out: str) -> list[Row]:
    """bench_apply_kernel: 512x512x3 against scipy.ndimage.correlate; the goal is ratio >= 1 for 3x3."""
    rows: list[Row] = []
    for table in tables(out):
        for c in table:
            goal = target(number(c["ratio"]) >= 1.0, ">= 1.0") if c["kernel"] == "3x3" else "—"
            rows.append((f"apply_kernel ({c['path']}), 512x512x3 {c['image']}, {c['kernel']} kernel",
                         f"{c['convscope (ms)']} ms", f"{c['scipy.ndimage.correlate (ms)']} ms (ndimage)",
                         c["ratio"], goal))
    return rows


def image_kernels(out: str) -> list[Row]:
    """bench_image_kernels: weight edit -> painted picture in chromium, 512x512x3; goal under 50 ms."""
    rows: list[Row] = []
    for table in tables(out):
        for c in table:
            ms = c.get("weight edit -> picture, median (ms)")
            if ms is not None and c["server"] == "this tree":
                what = f"image kernels page: weight edit -> picture, 512x512x3, {c['kernel']} kernel"
                rows.append((what, f"{ms} ms", "—", "—", target(number(ms) < 50, "< 50 ms")))
    return rows


def echo(out: str) -> list[Row]:
    """bench_echo: 10 s at 44.1 kHz with a 2 s impulse response against fftconvolve; goal ratio >= 0.9."""
    return [(f"echo / convolve: {c['case']}, 10 s at 44.1 kHz, 2 s impulse response",
             f"{c['convscope (ms)']} ms", f"{c['scipy.signal.fftconvolve (ms)']} ms (fftconvolve)",
             c["ratio (SciPy / ours)"], target(number(c["ratio (SciPy / ours)"]) >= 0.9, ">= 0.9"))
            for table in tables(out) for c in table if "case" in c]


READERS: dict[str, Callable[[str], list[Row]]] = {
    "bench_api.py": api, "bench_trace.py": trace, "bench_network.py": network,
    "bench_network_view.py": network_view, "bench_train.py": train, "bench_lenet_ops.py": lenet_ops,
    "bench_conv.py": conv, "bench_conv_transpose.py": conv_transpose, "bench_convolve2d.py": convolve2d,
    "bench_pool.py": pool, "bench_apply_kernel.py": apply_kernel, "bench_image_kernels.py": image_kernels,
    "bench_echo.py": echo,
}  # fmt: skip
