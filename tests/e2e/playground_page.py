"""Shared steps for the playground's browser tests: open it, wait for it, read what it shows."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch.nn.functional import conv2d

READY = ".playground[data-busy='false']"


def open_playground(page: Any, server: str, query: str = "", *, step: int | None = 1) -> None:
    """Open the playground paused at ``step`` (a link with a step opens paused there); ``step=None``
    opens it as a visitor arrives: playing from the start (or complete, with reduced motion)."""
    if step is not None and "step=" not in query:
        query = f"{query}&step={step}" if query else f"step={step}"
    page.goto(f"{server}/#/playground{'?' + query if query else ''}")
    page.wait_for_selector(READY)


def settle(page: Any) -> None:
    """Wait until the page shows the answer to its latest request."""
    page.wait_for_selector(READY)


def set_slider(page: Any, name: str, value: int) -> None:
    page.get_by_test_id(name).fill(str(value))
    settle(page)


def table_values(page: Any) -> list[list[str]]:
    return page.eval_on_selector_all(
        "[data-testid=output-values] tr", "rows => rows.map(r => [...r.cells].map(c => c.dataset.value))"
    )


def counter(page: Any) -> tuple[int, int]:
    el = page.get_by_test_id("step-counter")
    return int(el.get_attribute("data-step")), int(el.get_attribute("data-count"))


def highlight(page: Any) -> str:
    return page.get_by_test_id("input-grid").get_attribute("data-highlight")


def hover_cell(page: Any, testid: str, row: int, col: int, rows: int, cols: int) -> None:
    box = page.get_by_test_id(testid).locator("canvas").bounding_box()
    cell_w, cell_h = box["width"] / cols, box["height"] / rows
    page.mouse.move(box["x"] + (col + 0.5) * cell_w, box["y"] + (row + 0.5) * cell_h)


def torch_output(api: Any, digit: int, index: int, padding: int, stride: int) -> np.ndarray:
    """The oracle: torch's conv2d of the served 20x20 digit with a 3x3 all-ones kernel."""
    image = api(f"/api/digits/{digit}?index={index}")["image"]
    x = torch.tensor(image, dtype=torch.float64)[None, None]  # (1, 1, 20, 20)
    w = torch.ones(1, 1, 3, 3, dtype=torch.float64)
    return conv2d(x, w, padding=padding, stride=stride)[0, 0].numpy()
