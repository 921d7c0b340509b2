"""The notebook widget in a real JupyterLab: a `jupyter lab` server started here on loopback (temporary
root, its own token, every outside fetch switched off), a notebook the test writes, its cells run from
the page with Shift+Enter, and the widget checked in JupyterLab's own DOM: its output canvas's pixels
against the lesson's numbers, `w.padding = 2` from a cell redrawing it, its slider moved with the
keyboard setting `w.padding` in the kernel, and its stylesheet restyling nothing of JupyterLab's.

One page load serves every check: JupyterLab's first load is the slow part (about 15 s on 2 busy cores).
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import psutil
import pytest
from PIL import Image
from playwright.sync_api import expect

import convscope
from convscope.export.palette import NOT_YET
from convscope.export.playground_frame import scale_of
from convscope.widgets import Playground
from tests.e2e.conftest import DESKTOP

pytest.importorskip("jupyterlab", reason="JupyterLab is in the dev extra: pip install -e '.[dev]'")
nbformat = pytest.importorskip("nbformat")

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TOKEN = "convscope-e2e-token"
CELLS = [
    "from convscope.widgets import Playground\nw = Playground(digit=3, padding=1)\nw",
    "w.padding = 2",
    "print(w.padding)",
]
# JupyterLab's news, update check and extension manager would fetch from the internet: all off.
OFFLINE = [
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
]
# ...and the "would you like to receive news?" prompt stays closed.
NOTIFICATIONS = '{"fetchNews": "false", "checkForUpdates": false}'
# The notebook's kernel is connected and idle (a run sent before that is dropped: the prompt stays [ ]).
KERNEL_READY = """() => {
  const kernel = window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel;
  return kernel?.connectionStatus === "connected" && kernel.status === "idle";
}"""
# Properties a stray global rule (button {...}, select {...}, h2 {...}) would change; not sizes. Every
# element outside the widget is read with the widget's stylesheet (anywidget's <style> of `_css`) on, then
# off, in one synchronous call: JupyterLab's own changes meanwhile (its running-sessions panel turning its
# "shut down all" button orange once it sees the kernel) cannot pass for the widget's.
STYLES = """() => {
  const props = ["font-family", "font-size", "font-weight", "color", "background-color", "border-top-width",
    "border-top-color", "border-top-left-radius", "padding-top", "padding-left", "margin-top", "min-height",
    "box-sizing", "accent-color", "outline-style"];
  const sheets = [...document.querySelectorAll("style")]
    .filter((s) => s.textContent.startsWith("@scope (.convscope-widget)")).map((s) => s.sheet);
  const outside = [...document.querySelectorAll("body *")].filter((e) => !e.closest(".convscope-widget"));
  const read = () => outside.map((e) => {
    const style = getComputedStyle(e);
    return props.map((p) => style[p]);
  });
  const on = read();
  sheets.forEach((sheet) => { sheet.disabled = true; });
  const off = read();
  sheets.forEach((sheet) => { sheet.disabled = false; });
  const changes = [];
  outside.forEach((e, k) => props.forEach((p, i) => {
    const [was, now] = [off[k][i], on[k][i]];
    if (now !== was) changes.push(`${e.tagName} .${e.classList[0]} ${p}: ${was} -> ${now}`);
  }));
  return { sheets: sheets.length, read: outside.length, changes };
}"""


def wait_for_address(process: subprocess.Popen[bytes], log: Path, seconds: float) -> str:
    """The server's http://127.0.0.1:PORT, read from its log once it is listening."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        match = re.search(r"(http://127\.0\.0\.1:\d+)/lab\?token=", log.read_text(errors="replace"))
        if match:
            return match.group(1)
        if process.poll() is not None:
            pytest.fail(f"jupyter lab exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        time.sleep(0.25)
    pytest.fail(f"jupyter lab printed no address in {seconds:.0f} s:\n{log.read_text(errors='replace')}")


def stop(process: subprocess.Popen[bytes], base: str | None) -> None:
    """Shut the server down (its kernels with it), then make sure nothing it started is left running."""
    children = psutil.Process(process.pid).children(recursive=True) if process.poll() is None else []
    if base is not None and process.poll() is None:
        request = urllib.request.Request(f"{base}/api/shutdown", method="POST",
                                         headers={"Authorization": f"token {TOKEN}"})
        try:
            urllib.request.urlopen(request, timeout=10).close()
            process.wait(timeout=15)
        except (OSError, subprocess.TimeoutExpired):
            pass
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    for child in children:
        if child.is_running():
            child.kill()


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`jupyter lab` on 127.0.0.1, a free port, a temporary root and config; yields (base URL, root)."""
    home = tmp_path_factory.mktemp("jupyterlab")
    root, settings = home / "root", home / "settings" / "@jupyterlab" / "apputils-extension"
    root.mkdir()
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(NOTIFICATIONS)
    package_dir = str(Path(convscope.__file__).resolve().parents[1])  # the kernel imports this convscope
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([package_dir, os.environ.get("PYTHONPATH", "")]),
           "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "IPYTHONDIR": str(home / "ipython"),
           "JUPYTER_PLATFORM_DIRS": "1"}
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
               "--ServerApp.ip=127.0.0.1", "--ServerApp.port=0", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
               f"--LabApp.user_settings_dir={home / 'settings'}", f"--LabApp.workspaces_dir={home / 'ws'}",
               "--LabApp.expose_app_in_browser=True", *OFFLINE]  # window.jupyterapp: to know the kernel is up
    log = home / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=home)
    base = None
    try:
        base = wait_for_address(process, log, seconds=90)
        yield base, root
    finally:
        stop(process, base)


def start_kernel(base: str, path: str) -> None:
    """Start the notebook's session (and kernel) through the REST API, as opening it would."""
    body = json.dumps({"path": path, "type": "notebook", "name": path, "kernel": {"name": "python3"}})
    request = urllib.request.Request(f"{base}/api/sessions", data=body.encode(), method="POST",
                                     headers={"Authorization": f"token {TOKEN}",
                                              "Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=30).close()


def canvas_image(page: Any, selector: str) -> np.ndarray:
    """A canvas's RGB pixels, (H, W, 3), read as one PNG (toDataURL) rather than pixel by pixel."""
    url = page.eval_on_selector(selector, "c => c.toDataURL('image/png')")
    data = base64.b64decode(url.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def check_output_canvas(page: Any, widget: Playground) -> None:
    """Every computed output cell has the lesson's value's colour at its centre (the last cell aside:
    the window's outline sits on it); uncomputed cells have the not-yet grey."""
    lesson = widget.lesson()
    output = np.asarray(lesson["output"])
    rows, cols = output.shape
    pixels = canvas_image(page, ".jp-OutputArea-output [data-testid=output-grid] canvas")
    cell = pixels.shape[1] / cols
    assert pixels.shape[0] == pytest.approx(rows * cell, abs=1), "the canvas is not rows x cols cells"
    computed = int(page.get_by_test_id("output-values").get_attribute("data-computed"))
    assert computed == rows * cols, "with reduced motion the view opens on the whole output"
    scale = scale_of(lesson)
    # A cell of 30 px or more has its value written in the middle: read its colour above the text.
    y = (np.arange(rows) * cell + (0.5 if cell < 30 else 0.2) * cell).astype(int)
    x = (np.arange(cols) * cell + cell / 2).astype(int)
    shown = pixels[y[:, None], x[None, :]].astype(int)
    expected = np.array([[scale.rgb(v) if r * cols + c < computed else NOT_YET for c, v in enumerate(row)]
                         for r, row in enumerate(output.tolist())])
    mask = np.ones((rows, cols), bool)
    mask[-1, -1] = False
    assert np.abs(shown - expected)[mask].max() <= 1
    assert len({tuple(p) for p in shown[mask]}) > 20, "the output should not be one flat colour"


def run_cell(page: Any, index: int) -> Any:
    """Select cell `index` by its prompt and run it with Shift+Enter, as a user does; wait for its count."""
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.locator(".jp-InputPrompt").click()
    page.keyboard.press("Shift+Enter")
    expect(cell.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[\d+\]:"), timeout=60_000)
    return cell


def test_the_widget_draws_and_syncs_inside_jupyterlab(jupyterlab: tuple[str, Path], browser: Any,
                                                       screenshot: Any) -> None:
    base, root = jupyterlab
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, root / "widget.ipynb")
    start_kernel(base, "widget.ipynb")  # it boots while the page loads; the page joins its session
    # Reduced motion: the view opens on the whole output instead of playing the windows from the start.
    context = browser.new_context(viewport=DESKTOP, reduced_motion="reduce")
    outside: list[str] = []
    local = (base + "/", "blob:", "data:")
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(local)
                  else (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{base}/lab/tree/widget.ipynb?token={TOKEN}")
        page.wait_for_function(KERNEL_READY, timeout=60_000, polling=250)

        first = run_cell(page, 0)
        view = first.locator(".jp-OutputArea-output .convscope-widget .playground[data-busy='false']")
        expect(view).to_be_visible(timeout=60_000)  # the kernel imports convscope, then the view asks it
        expect(view.get_by_test_id("output-size")).to_have_text("20×20")
        check_output_canvas(page, Playground(digit=3, padding=1))
        styles = page.evaluate(STYLES)
        assert styles["sheets"] == 1, "the widget's stylesheet is not in the page"
        assert styles["read"] > 100, "too few of JupyterLab's elements to tell"
        assert styles["changes"] == [], "the widget's CSS restyled JupyterLab"

        run_cell(page, 1)  # w.padding = 2
        expect(view.get_by_test_id("output-size")).to_have_text("22×22")
        expect(view.get_by_test_id("padding")).to_have_value("2")
        check_output_canvas(page, Playground(digit=3, padding=2))

        first.locator(".jp-InputPrompt").scroll_into_view_if_needed()
        screenshot(page, "widget-jupyterlab")

        slider = view.get_by_test_id("padding")
        slider.focus()
        page.keyboard.press("ArrowRight")
        expect(view.get_by_test_id("output-size")).to_have_text("24×24")
        printed = run_cell(page, 2).locator(".jp-OutputArea-output")
        expect(printed).to_have_text("3")
    finally:
        context.close()
    assert outside == [], f"the page fetched from outside the loopback server: {outside}"
    assert errors == [], f"the page logged errors: {errors}"
