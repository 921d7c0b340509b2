"""Every Image kernels script is run, and its result compared with the page's numbers: the convscope
flavour equal to the engine's (the same call), the PyTorch flavour to rounding; the PNG it saves is the
picture the page shows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from convscope.data.photos import bundled_photo
from convscope.errors import SettingError
from convscope.export.kernels_code import PICTURE_FILE, RESULT_FILE, KernelsCode, kernels_code
from convscope.export.snippets import Framework
from convscope.kernels import image_kernel
from convscope.lessons.image_kernels import Filtering, filter_image, result_record
from tests.export.scripts import run_script

SOBEL = image_kernel("sobel_x", 3)
TYPED = np.array([[0.5, -1.25, 0.0, 2.0], [1e-3, 0.0, -0.75, 1.0]])  # even sides, odd values
CASES = [
    KernelsCode(Filtering(image_kernel("sharpen", 3)), "sharpen", 3, "chelsea"),
    KernelsCode(Filtering(SOBEL, channels="luminance", display="signed", padding_mode="reflect", flip=True),
                "sobel_x", 3, "coffee"),
    KernelsCode(Filtering(image_kernel("gaussian", 5), normalise=True, padding_mode="circular",
                          display="signed"), "gaussian", 5, "chelsea"),
    KernelsCode(Filtering(TYPED, padding_mode="replicate", flip=True, channels="luminance"), None, 3, None),
    KernelsCode(Filtering(SOBEL, view="magnitude", padding_mode="replicate", display="signed"), "sobel_x",
                3, "rocket"),
]


def _picture(code: KernelsCode, folder: Path) -> np.ndarray:
    """The page's picture; your own one is saved beside the script, as the .npy export does."""
    if code.photo:
        return bundled_photo(code.photo)
    picture = np.random.default_rng(5).integers(0, 256, (37, 53, 3), dtype=np.uint8)
    np.save(folder / PICTURE_FILE, picture)
    return picture


@pytest.mark.parametrize("code", CASES, ids=lambda c: c.describe())
@pytest.mark.parametrize("framework", ["numpy", "torch"])
def test_each_script_reproduces_the_page(code: KernelsCode, framework: Framework, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    picture = _picture(code, tmp_path)
    values, _, _ = filter_image(picture, code.filtering)  # what the page computes: (H, W, C)
    shown, _ = result_record(picture, code.filtering)  # and draws
    ran = run_script(kernels_code(code, framework), tmp_path, monkeypatch)
    result = ran["result"].reshape(values.shape)
    if framework == "numpy":
        np.testing.assert_array_equal(result, values)  # the very same engine call
    else:
        np.testing.assert_allclose(result, values, rtol=1e-12, atol=1e-9)
    saved = np.asarray(Image.open(tmp_path / RESULT_FILE))
    # Rounding at exactly .5 could differ between the two engines; no such pixel in these cases.
    np.testing.assert_array_equal(saved, shown)


def test_a_script_loads_the_photo_by_name_and_your_picture_from_beside_it() -> None:
    photo = kernels_code(CASES[0])
    assert "image = bundled_photo('chelsea')" in photo
    assert PICTURE_FILE not in photo
    assert f"image = np.load({PICTURE_FILE!r})" in kernels_code(CASES[3], "torch")


@pytest.mark.parametrize("view", ["border", "twice", "once", "difference"])
def test_a_picture_comparing_two_runs_is_refused_naming_the_view(view: str) -> None:
    code = KernelsCode(Filtering(SOBEL, view=view, second=SOBEL), "sobel_x", 3, "coffee")  # type: ignore[arg-type]
    with pytest.raises(SettingError, match=r"^view: a script reproduces the kernel.s result"):
        kernels_code(code)
