"""The page's views in a notebook cell (``pip install "convscope[notebook]"``; anywidget)::

    from convscope.widgets import Playground
    w = Playground(digit=3, kernel="sobel_x", padding=1)
    w                 # the playground, live, in the cell
    w.padding = 2     # it redraws; moving its padding slider sets w.padding

The JavaScript is the app's own (``server/static/js``, sent as sources and linked in the browser by
``widget.js``), and every number comes from the kernel through the same lesson functions the server
calls: the view's api object sends ``{id, method, args}`` messages that `answer` replies to.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from convscope.data import DigitSource
from convscope.errors import SettingError
from convscope.export import PlaygroundSettings, playground_code, render_playground
from convscope.export.settings import playground_lesson, settings_from_request
from convscope.lessons import network as network_lessons
from convscope.lessons.playground import digit_lesson, kernels
from convscope.lessons.training import status
from convscope.nn import pretrained

STATIC = Path(__file__).parent / "server" / "static"
MEDIA = {"png": "image/png", "gif": "image/gif", "apng": "image/apng", "numpy": "text/x-python",
         "torch": "text/x-python"}


@cache
def view_sources() -> dict[str, str]:
    """Every module the app serves under static/js (path relative to js/ -> source), main.js aside."""
    root = STATIC / "js"
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*.js")) if p.name != "main.js"}


def _styles() -> str:
    """The app's stylesheets, as the page links them, scoped to the widget's element.

    A notebook page is JupyterLab's (or VS Code's...): unscoped, the app's ``* {box-sizing}``,
    ``button``, ``select`` and ``:root`` rules restyled its toolbars, menus and root font. Inside
    ``@scope`` they reach only the widget, and ``:root``'s variables and type sit on the widget's root.
    """
    css = "\n".join((STATIC / "css" / name).read_text(encoding="utf-8")
                    for name in ("app.css", "network.css", "export.css"))
    return "@scope (.convscope-widget) {\n" + css.replace(":root", ":scope") + "\n}\n"


class _View(anywidget.AnyWidget):
    """One of the app's views in a cell; subclasses name the view, its traits and their URL names."""

    _esm = STATIC / "js" / "widget.js"
    _css = _styles()
    _view = traitlets.Unicode().tag(sync=True)
    _sources = traitlets.Dict().tag(sync=True)
    _params = traitlets.Dict().tag(sync=True)  # trait -> the URL parameter the view reads it from

    def __init__(self, **traits: Any) -> None:
        super().__init__(_sources=view_sources(), **traits)
        self.source = DigitSource()
        self.on_msg(self._on_message)

    def _on_message(self, _: Any, content: dict[str, Any], buffers: list[bytes]) -> None:
        self.send(self.answer(content))

    def answer(self, message: dict[str, Any]) -> dict[str, Any]:
        """The reply to one of the view's api calls: ``{id, value}``, or ``{id, error}`` naming the field.

        Examples
        --------
        >>> Playground().answer({"id": 1, "method": "digit", "args": [3, 0]})["value"]["count"]
        1032
        >>> Playground().answer({"id": 2, "method": "convolve", "args": [{"digit": 3, "padding": -1}]})
        {'id': 2, 'error': 'padding: must be a whole number >= 0, got -1'}
        """
        handler = self.methods().get(str(message.get("method")))
        reply: dict[str, Any] = {"id": message.get("id")}
        if handler is None:
            reply["error"] = f"method: this widget answers {', '.join(sorted(self.methods()))}"
            return reply
        try:
            reply["value"] = handler(*message.get("args", []))
        except (SettingError, ValueError, TypeError) as err:
            reply["error"] = str(err)
        return reply

    def methods(self) -> dict[str, Callable[..., Any]]:
        """The api methods this view calls, by name."""
        return {"digit": lambda number, index: digit_lesson(self.source, number, index)}


class Playground(_View):
    """The convolution playground: one digit, one kernel, every window; settings are synced traits."""

    digit = traitlets.Int(3).tag(sync=True)
    index = traitlets.Int(0).tag(sync=True)
    kernel = traitlets.Unicode("ones").tag(sync=True)
    kernel_size = traitlets.Int(3).tag(sync=True)
    padding = traitlets.Int(0).tag(sync=True)
    stride = traitlets.Int(1).tag(sync=True)
    dilation = traitlets.Int(1).tag(sync=True)

    def __init__(self, **traits: Any) -> None:
        names = {"digit": "digit", "index": "index", "kernel": "kernel", "kernel_size": "size",
                 "padding": "padding", "stride": "stride", "dilation": "dilation"}
        super().__init__(_view="playground", _params=names, **traits)

    @property
    def settings(self) -> PlaygroundSettings:
        """The traits as export settings."""
        return PlaygroundSettings(self.digit, self.index, self.kernel, self.kernel_size, self.padding,
                                  self.stride, self.dilation)

    def lesson(self) -> Any:
        """The record the view draws for the current settings (`PlaygroundLesson`)."""
        return playground_lesson(self.settings, self.source)

    def save(self, path: str | Path, fps: float = 10.0, frames: int = 120) -> str:
        """Write the figure (.png) or the animation (.gif, .apng) for the current settings."""
        fmt = Path(path).suffix.lower().lstrip(".")
        if fmt not in ("png", "gif", "apng"):
            raise SettingError("path", f"must end in .png, .gif or .apng, got {Path(path).name!r}")
        return render_playground(self.settings, Path(path), fmt, fps=fps, max_frames=frames,  # type: ignore[arg-type]
                                 source=self.source)

    def code(self, framework: str = "numpy") -> str:
        """A script reproducing the current output with convscope (``"numpy"``) or ``"torch"``."""
        return playground_code(self.settings, framework)  # type: ignore[arg-type]

    def methods(self) -> dict[str, Callable[..., Any]]:
        return {
            **super().methods(),
            "kernels": kernels,
            "convolve": lambda request: playground_lesson(settings_from_request(request), self.source),
            "export": self._export,
        }

    def _export(self, view: str, kind: str, request: dict[str, Any]) -> dict[str, str]:
        settings = settings_from_request(request)
        if kind in ("numpy", "torch"):
            data = playground_code(settings, kind).encode()  # type: ignore[arg-type]
        elif kind in ("png", "gif", "apng"):
            buffer = io.BytesIO()
            render_playground(settings, buffer, kind, fps=float(request.get("fps", 10)),  # type: ignore[arg-type]
                              max_frames=int(request.get("frames", 120)), source=self.source)
            data = buffer.getvalue()
        else:
            raise SettingError("kind", f"a notebook exports png, gif, apng, numpy or torch, got {kind!r}")
        name = f"convscope-{view}.{kind}" if kind in ("png", "gif", "apng") else f"convscope_{view}_{kind}.py"
        return {"data": base64.b64encode(data).decode(), "media": MEDIA[kind], "filename": name}


class Network(_View):
    """The network explorer: a digit through the pretrained LeNet, every layer, one unit explained."""

    digit = traitlets.Int(7).tag(sync=True)
    index = traitlets.Int(0).tag(sync=True)
    layer = traitlets.Unicode("").tag(sync=True)  # "" until a unit is chosen
    unit = traitlets.Unicode("").tag(sync=True)  # "channel,row,col", as the page's URL writes it

    def __init__(self, **traits: Any) -> None:
        names = {"digit": "digit", "index": "index", "layer": "layer", "unit": "unit"}
        super().__init__(_view="network", _params=names, **traits)
        self.model = pretrained()

    def prediction(self) -> Any:
        """The network's answer for the current digit (`PredictLesson`): what the view draws."""
        stages = network_lessons.preprocess(self.source, None, self.digit, self.index)
        return network_lessons.predict(self.model, "pretrained", stages)

    def _stages(self, request: dict[str, Any]) -> Any:
        return network_lessons.preprocess(self.source, request.get("image"), request.get("digit"),
                                          int(request.get("index") or 0))

    def methods(self) -> dict[str, Callable[..., Any]]:
        return {
            **super().methods(),
            "predict": lambda r: network_lessons.predict(self.model, "pretrained", self._stages(r)),
            "unit": lambda r: network_lessons.explain(self.model, self._stages(r), r["layer"], r["unit"]),
            "model": lambda which: network_lessons.summary(self.model, "pretrained", _accuracy(self.model)),
            "training": lambda: status(None, "pretrained"),  # no training job runs in a notebook
        }


_ACCURACY: dict[int, float] = {}


def _accuracy(model: Any) -> float:
    """The pretrained model's held-out accuracy, computed once per model."""
    if id(model) not in _ACCURACY:
        _ACCURACY[id(model)] = network_lessons.held_out_accuracy(model)
    return _ACCURACY[id(model)]


__all__ = ["Network", "Playground"]
