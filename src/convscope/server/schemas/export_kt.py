"""The export routes of the Image kernels, Training and Network pages: what each takes and can answer.

The Image kernels export takes the page's own request (the picture as the raw body, the settings in the
URL, as ``/api/image-kernels/apply`` does) plus the photo's name; the network's code takes the network
view's request; the training code takes the Training page's form.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from convscope.server.schemas.image_kernels import KernelQuery

KernelsExportKind = Literal["png", "numpy", "torch", "npy"]  # a figure, a script, or the picture it loads
CodeKind = Literal["numpy", "torch"]  # a script: convscope's engine or PyTorch


class KernelExportQuery(KernelQuery):
    """The page's settings, and the bundled photo it shows (if the picture is that photo, a script loads
    it by name; otherwise the script loads your picture from the .npy this route also answers)."""

    photo: str | None = Field(None, min_length=1, max_length=40,
                              description="The bundled photo the page last chose (GET .../photos).")
