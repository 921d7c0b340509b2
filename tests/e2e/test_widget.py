"""The notebook widget's module in chromium, hosted by a page that implements anywidget's model interface
and talks to a real Python widget over a real local HTTP server: it loads the app's view modules, draws,
and syncs traits both ways."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from convscope.widgets import STATIC, Playground, _View

pytestmark = pytest.mark.e2e
HOST = Path(__file__).with_name("widget_host.html")


def serve(widget: _View) -> tuple[ThreadingHTTPServer, str]:
    """A loopback server: the host page, widget.js from the package, and the widget's state and answers."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/":
                self._send(HOST.read_bytes(), "text/html")
            elif self.path == "/widget.js":
                self._send((STATIC / "js" / "widget.js").read_bytes(), "text/javascript")
            elif self.path == "/state":
                state = {**widget.get_state(), "_css": widget._css}
                self._send(json.dumps(state).encode(), "application/json")
            else:  # the browser's /favicon.ico: nothing, rather than a 404 logged as a console error
                self._send(b"", "image/x-icon")

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path == "/msg":
                self._send(json.dumps(widget.answer(body)).encode(), "application/json")
            else:  # the frontend's state update, through the path a comm message takes
                update = {"method": "update", "state": body, "buffer_paths": []}
                widget._handle_msg({"content": {"data": update}, "buffers": []})
                self._send(b"{}", "application/json")

        def _send(self, data: bytes, media: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


@pytest.fixture
def hosted(page: Any) -> Iterator[tuple[Any, Playground]]:
    widget = Playground(digit=3, kernel="sobel_x", padding=1)
    httpd, url = serve(widget)
    page.goto(url)
    page.wait_for_selector("body[data-rendered=true]")
    page.wait_for_selector(".playground[data-busy='false']")
    yield page, widget
    httpd.shutdown()
    httpd.server_close()


def test_the_widget_draws_the_playground_from_the_kernels_lesson(hosted: tuple[Any, Playground],
                                                                  screenshot: Any) -> None:
    page, widget = hosted
    expect(page.get_by_test_id("output-size")).to_have_text("20×20")
    values = page.eval_on_selector_all("[data-testid=output-values] tr",
                                       "rows => rows.map(r => [...r.cells].map(c => c.dataset.value))")
    computed = [float(v) for row in values for v in row if v]
    flat = [v for row in widget.lesson()["output"] for v in row]
    assert computed == flat[: len(computed)]
    assert len(computed) > 0
    screenshot(page, "widget-playground-host", full_page=True)


def test_a_slider_on_the_page_sets_the_python_trait(hosted: tuple[Any, Playground]) -> None:
    page, widget = hosted
    page.get_by_test_id("padding").fill("3")
    page.wait_for_selector(".playground[data-busy='false']")
    page.evaluate("window.synced")
    expect(page.get_by_test_id("output-size")).to_have_text("24×24")
    assert widget.padding == 3


def test_a_trait_set_in_python_redraws_the_page(hosted: tuple[Any, Playground]) -> None:
    page, widget = hosted
    widget.stride = 2
    page.evaluate("changes => window.fromKernel(changes)", widget.get_state(["stride"]))
    expect(page.get_by_test_id("output-size")).to_have_text("10×10")
    expect(page.get_by_test_id("stride")).to_have_value("2")
