"""The attacks of issue 12 played in chromium against the real server: they change nothing.

- A page on another origin (a second server on loopback) stops a running job with a no-cors ``fetch``
  and switches the model with an HTML form: the server refuses both (415/403), the job keeps running,
  the model stays pretrained. A CORS ``fetch`` with JSON never leaves the browser (its preflight is 405).
- DNS rebinding: chromium resolves ``evil.test`` to 127.0.0.1; the app refuses to load under that name.
- Our own page runs under its Content-Security-Policy without a single violation, and so does /docs.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.e2e.conftest import CHROMIUM_ARGS, chromium_path

pytestmark = pytest.mark.e2e

TINY = {"epochs": 1, "train_size": 256, "batch_size": 32}
# Paced to 25 steps a second: 10 s however fast the machine trains; stopped by the test long before.
LONG = {"epochs": 2, "train_size": 8000, "batch_size": 64, "steps_per_second": 25}
# The classic trick: a text/plain form whose one field's name and value join into a JSON body.
FORM = """<form method="post" enctype="text/plain" action="{target}/api/training/use">
<input name='{{"model": "trained", "x": "' value='"}}'></form>
<script>document.forms[0].submit()</script>"""
FETCHES = """<script>
window.outcome = Promise.all([
  fetch("{target}/api/training/stop", {{method: "POST", mode: "no-cors", body: "{{}}"}})
    .then(() => "sent", (e) => "failed: " + e),
  fetch("{target}/api/training/stop", {{method: "POST", mode: "no-cors"}})
    .then(() => "sent", (e) => "failed: " + e),
  fetch("{target}/api/training/stop", {{method: "POST", headers: {{"Content-Type": "application/json"}},
    body: "{{}}"}}).then(() => "sent", (e) => "failed: " + e),
]);
</script>"""
RECORD_VIOLATIONS = """window.violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.violations.push(e.violatedDirective + " " + e.blockedURI));"""


def call(server: str, path: str, body: Any = None) -> Any:
    """GET (or POST ``body`` as JSON) as the CLI would: no Origin."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(server + path, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def wait_until_over(server: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while (status := call(server, "/api/training"))["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
    return status  # type: ignore[no-any-return]


@pytest.fixture
def attacker(server: str) -> Iterator[str]:
    """A second origin on loopback serving the attack pages at /form and /fetch."""
    pages = {"/form": FORM.format(target=server), "/fetch": FETCHES.format(target=server)}

    class Pages(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:  # the test's output is not the place
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)


@pytest.fixture
def pretrained_after(server: str) -> Iterator[None]:
    """Whatever happens, no job runs and the shipped model is active afterwards (other tests share it)."""
    yield
    call(server, "/api/training/stop", {})
    wait_until_over(server)
    call(server, "/api/training/use", {"model": "pretrained"})


def test_another_origin_cannot_switch_the_model_with_a_form(
    browser: Any, server: str, attacker: str, pretrained_after: None
) -> None:
    call(server, "/api/training", TINY)
    assert wait_until_over(server)["state"] == "done"  # a trained model exists: the form has a target
    assert call(server, "/api/training/use", {"model": "pretrained"})["active_model"] == "pretrained"
    context = browser.new_context()
    page = context.new_page()
    with page.expect_response(f"{server}/api/training/use") as answer:
        page.goto(f"{attacker}/form")
    assert answer.value.status == 403  # its Origin is the attacker's (and its type text/plain: 415 next)
    context.close()
    assert call(server, "/api/training")["active_model"] == "pretrained"


def test_another_origin_cannot_stop_a_running_job_with_fetch(
    browser: Any, server: str, attacker: str, pretrained_after: None
) -> None:
    job = call(server, "/api/training", LONG)["job"]
    context = browser.new_context()
    page = context.new_page()
    answers: list[int] = []
    page.on("response", lambda response: answers.append(response.status) if server in response.url else None)
    page.goto(f"{attacker}/fetch")
    outcomes = page.evaluate("window.outcome")
    context.close()
    time.sleep(1.0)  # a stop would end the job after its current batch, well within this
    status = call(server, "/api/training")
    assert (status["state"], status["job"]) == ("running", job)
    # no-cors answers are opaque to the page (so "sent"); the server refused them. The JSON fetch's
    # preflight (OPTIONS, 405 and no CORS headers) failed, so it never went out.
    assert outcomes[:2] == ["sent", "sent"]
    assert answers == [403, 403]
    assert outcomes[2].startswith("failed: TypeError")


def test_a_rebound_host_name_cannot_load_the_app(server: str, browser: Any) -> None:
    port = server.rsplit(":", 1)[1]
    args = [*CHROMIUM_ARGS, "--host-resolver-rules=MAP evil.test 127.0.0.1"]
    rebound = browser.browser_type.launch(executable_path=chromium_path(browser.browser_type), args=args)
    try:
        page = rebound.new_page()
        response = page.goto(f"http://evil.test:{port}/")
        assert response is not None
        assert response.status == 400
        assert "is not a name of this server" in page.content()
        assert page.locator("nav").count() == 0
        status = page.evaluate("fetch('/api/training/weights').then((r) => r.status)")
        assert status == 400
    finally:
        rebound.close()


@pytest.mark.parametrize("route", ["#/playground", "#/network", "#/training"])
def test_our_page_runs_under_its_policy_without_a_violation(page: Any, server: str, route: str) -> None:
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(f"{server}/{route}")
    assert "script-src 'self';" in response.headers["content-security-policy"]
    page.locator("main#app > *").first.wait_for()
    page.wait_for_timeout(1500)  # let the view fetch and draw
    assert page.evaluate("window.violations") == []


def test_the_docs_run_under_their_policy_without_a_violation(page: Any, server: str) -> None:
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{server}/docs")
    page.get_by_text("/api/convolve", exact=True).first.wait_for()
    page.wait_for_timeout(500)
    assert page.evaluate("window.violations") == []


def test_redoc_runs_under_the_docs_policy_which_blocks_its_cdn_logo(browser: Any, server: str) -> None:
    # ReDoc's bundle asks for its "powered by" logo from cdn.redoc.ly; the policy refuses it, as it must
    # (nothing from another origin), and that is the one violation.
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{server}/redoc")
    page.get_by_text("/api/convolve").first.wait_for()
    page.wait_for_timeout(1000)
    violations = page.evaluate("window.violations")
    context.close()
    assert violations == ["img-src https://cdn.redoc.ly/redoc/logo-mini.svg"]
