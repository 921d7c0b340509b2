"""examples/playground.ipynb runs headless (nbclient, the venv's ipykernel) and shows what it says."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_example_notebook_runs_and_exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = nbformat.read(ROOT / "examples" / "playground.ipynb", as_version=4)
    shutil.copy(ROOT / "examples" / "playground.ipynb", tmp_path)
    # The kernel is this interpreter (the venv's ipykernel), importing this checkout's package.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": tmp_path}})
    client.execute()
    outputs = [cell.get("outputs", []) for cell in notebook.cells if cell.cell_type == "code"]
    assert all(o["output_type"] != "error" for cell in outputs for o in cell)

    def shown(i: int) -> str:
        """What code cell ``i`` printed or displayed, as text."""
        return "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in outputs[i])

    assert shown(1) == "([22, 22], True)"  # w.padding = 2 took: 20 + 2x2 - 3 + 1
    assert shown(2).startswith("Invalid: O = (20 - 3 + 2×2)/2 + 1 = 11.5")
    assert "subsampled: 60 frames show 484 windows" in shown(4)
    assert "F.conv2d(image[None, None], weights[None, None], padding=2, stride=1, dilation=1)" in shown(5)
    assert shown(6).startswith("output 22x22:\n[[ 0.")  # the script prints its output...
    assert shown(6).endswith("]]\nTrue")  # ...and it is the lesson's
    assert shown(8).startswith("(7, ")  # the network reads the 7 as a 7
    widgets = [o for cell in outputs for o in cell
               if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(widgets) == 2  # the playground and the network, as widget views
    with Image.open(tmp_path / "windows.gif") as gif:
        assert gif.n_frames == 60
    with Image.open(tmp_path / "slide.png") as png:
        assert png.width > 1500  # the 2x figure
