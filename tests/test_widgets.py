"""convscope.widgets in Python: traits synced both ways (the comm messages ipywidgets handles) and the
kernel's answers to the view's api calls, which are the lessons' own records."""

from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np
from PIL import Image

from convscope.data import DigitSource
from convscope.export import PlaygroundSettings, playground_code, playground_lesson
from convscope.lessons import network as network_lessons
from convscope.lessons.playground import digit_lesson
from convscope.nn import pretrained
from convscope.widgets import Network, Playground, view_sources


def from_frontend(widget: Any, state: dict[str, Any]) -> None:
    """Deliver a state update as the frontend's comm message would (ipywidgets' 'update' method)."""
    widget._handle_msg({"content": {"data": {"method": "update", "state": state, "buffer_paths": []}},
                        "buffers": []})


def test_a_trait_set_in_python_is_in_the_state_sent_to_the_page() -> None:
    w = Playground(kernel="sobel_x")
    w.padding = 2
    state = w.get_state()
    assert (state["padding"], state["kernel"], state["_view"]) == (2, "sobel_x", "playground")
    assert state["_params"]["kernel_size"] == "size"  # the URL name the view reads it from
    assert w.lesson()["explanation"]["padding"] == [2, 2]


def test_a_slider_moved_on_the_page_sets_the_trait_and_the_lesson_follows() -> None:
    w = Playground()
    seen: list[int] = []
    w.observe(lambda change: seen.append(change["new"]), names="padding")
    from_frontend(w, {"padding": 3, "stride": 2})
    assert (w.padding, w.stride, seen) == (3, 2, [3])
    assert w.lesson() == playground_lesson(PlaygroundSettings(padding=3, stride=2))


def test_the_kernel_answers_the_views_calls_with_the_lessons_records() -> None:
    w = Playground()
    request = {"digit": 5, "index": 2, "kernel": "box", "kernel_size": 2, "padding": 1, "stride": 2,
               "dilation": 1}
    assert w.answer({"id": 7, "method": "convolve", "args": [request]}) == {
        "id": 7, "value": playground_lesson(PlaygroundSettings(5, 2, "box", 2, 1, 2, 1))}
    digit = w.answer({"id": 8, "method": "digit", "args": [4, 1]})["value"]
    assert digit == digit_lesson(DigitSource(), 4, 1)
    assert w.answer({"id": 9, "method": "kernels", "args": []})["value"][0]["name"] == "ones"
    drawn = w.answer({"id": 10, "method": "convolve", "args": [{"image": [[0, 1], [1, 0]], "kernel": [[2]]}]})
    assert drawn["value"]["output"] == [[0.0, 2.0], [2.0, 0.0]]


def test_bad_calls_are_answered_with_the_field_to_change() -> None:
    w = Playground()
    unknown = w.answer({"id": 1, "method": "convolve", "args": [{"kernel": "blur"}]})
    assert unknown["error"].startswith("kernel:")
    assert w.answer({"id": 2, "method": "rm", "args": []})["error"].startswith("method: this widget answers")
    assert "error" in w.answer({"id": 3, "method": "convolve", "args": [{"image": [[1, 2], [3]]}]})


def test_exports_from_the_notebook_are_the_same_files() -> None:
    w = Playground(kernel="sobel_x", padding=1)
    request = {"digit": 3, "index": 0, "kernel": "sobel_x", "kernel_size": 3, "padding": 1, "stride": 1,
               "dilation": 1, "frames": 6, "fps": 3}
    gif = w.answer({"id": 1, "method": "export", "args": ["playground", "gif", request]})["value"]
    assert (gif["media"], gif["filename"]) == ("image/gif", "convscope-playground.gif")
    with Image.open(io.BytesIO(base64.b64decode(gif["data"]))) as image:
        assert image.n_frames == 6
    code = w.answer({"id": 2, "method": "export", "args": ["playground", "torch", request]})["value"]
    assert base64.b64decode(code["data"]).decode() == playground_code(w.settings, "torch") == w.code("torch")


def test_the_network_widget_answers_with_the_pretrained_lenet() -> None:
    w = Network(digit=7)
    answer = w.answer({"id": 1, "method": "predict", "args": [{"digit": 7, "index": 0}]})["value"]
    stages = network_lessons.preprocess(DigitSource(), None, 7, 0)
    expected = network_lessons.predict(pretrained(), "pretrained", stages)
    assert answer["prediction"] == expected["prediction"] == 7
    np.testing.assert_allclose(answer["probabilities"], expected["probabilities"])
    assert w.answer({"id": 2, "method": "training", "args": []})["value"]["state"] == "idle"


def test_the_widget_sends_the_apps_own_modules() -> None:
    sources = view_sources()
    assert "views/playground/index.js" in sources
    assert "main.js" not in sources  # the app's router would take over the notebook's document
    assert sources["widget.js"].startswith("// The notebook widget's entry")
