"""Live training in a real browser against the real server: a tiny job run to the end, another stopped
halfway, a second start refused while one runs, and the page catching up after a reload.

The job is the server's (one per server), so each test waits for its own job to end, and the model put
in use is handed back to the pretrained one so other tests see the shipped network.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

STATUS = "[data-testid=training-status]"


@pytest.fixture
def pretrained_after(post: Any) -> Iterator[None]:
    """Whatever a test puts in use, the shipped model is the active one again afterwards."""
    yield
    post("/api/training/stop", {})
    post("/api/training/use", {"model": "pretrained"})


def fill(page: Any, settings: dict[str, str]) -> None:
    for name, value in settings.items():
        field = page.get_by_test_id(f"field-{name}")
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def status(page: Any) -> dict[str, str]:
    return page.locator(STATUS).evaluate("el => ({...el.dataset})")


def held_out(page: Any) -> list[float]:
    text = page.get_by_test_id("accuracy-chart").get_attribute("data-held-out")
    return [float(v) for v in text.split(",")] if text else []


def test_a_tiny_training_runs_to_the_end_and_a_reload_catches_up(
    page: Any, server: str, api: Any, post: Any, screenshot: Any, pretrained_after: None
) -> None:
    page.goto(f"{server}/#/training")
    fill(
        page,
        {"conv1_channels": "4", "train_size": "128", "epochs": "2", "batch_size": "32", "optimizer": "adam"},
    )
    before = api("/api/training")["job"] or ""  # an earlier test's run may show "done" until ours starts
    page.get_by_test_id("start").click()
    page.wait_for_selector(f"{STATUS}[data-status='done']:not([data-job='{before}'])", timeout=90_000)
    server_status = api("/api/training")
    assert server_status["state"] == "done"
    assert server_status["config"]["train_size"] == 128
    expected = [e["val_accuracy"] for e in server_status["epochs"]]
    assert len(expected) == 2
    assert held_out(page) == pytest.approx(expected, abs=1e-4)
    assert status(page)["epochs"] == "2"
    assert int(page.get_by_test_id("loss-chart").get_attribute("data-points")) >= 2
    assert page.get_by_test_id("filters").get_attribute("data-count") == "4"
    assert "images/s" in page.get_by_test_id("speed").text_content()
    assert page.get_by_test_id("download").get_attribute("href") == "/api/training/weights"
    screenshot(page, "training-done")

    page.reload()
    page.wait_for_selector(f"{STATUS}[data-status='done']")
    assert held_out(page) == pytest.approx(expected, abs=1e-4)
    page.wait_for_selector("[data-testid=filters][data-count='4']")  # read from the trained model

    page.get_by_test_id("use").click()
    page.wait_for_selector("[data-testid=used] a[href='#/network']")
    page.goto(f"{server}/#/network?digit=2&index=0")
    page.wait_for_selector("[data-source='trained']")
    page.wait_for_selector(".network[data-busy='false']")
    answer = post("/api/network/predict", {"digit": 2, "index": 0})
    assert answer["model"] == "trained"
    assert page.get_by_test_id("prediction").get_attribute("data-prediction") == str(answer["prediction"])

    # The way back: the network view switches to the shipped model (and can return to the trained one).
    switch = page.get_by_test_id("switch-model")
    assert switch.text_content() == "Back to the pretrained model"
    switch.click()
    page.wait_for_selector("[data-testid=model][data-source='pretrained']")
    page.wait_for_selector(".network[data-busy='false']")
    assert api("/api/training")["active_model"] == "pretrained"
    shipped = post("/api/network/predict", {"digit": 2, "index": 0})
    assert shipped["model"] == "pretrained"
    assert page.get_by_test_id("prediction").get_attribute("data-prediction") == str(shipped["prediction"])
    assert page.get_by_test_id("probabilities").get_attribute("data-probabilities") == ",".join(
        f"{p:.6f}" for p in shipped["probabilities"]
    )
    assert switch.text_content() == "Use the model you trained"


def test_a_second_start_is_refused_and_stop_leaves_the_app_usable(
    page: Any, server: str, post: Any, screenshot: Any, pretrained_after: None
) -> None:
    page.goto(f"{server}/#/training")
    fill(page, {"train_size": "8000", "epochs": "20", "batch_size": "32"})
    page.get_by_test_id("start").click()
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=loss-chart]').dataset.points) >= 3", timeout=30_000
    )
    assert status(page)["status"] == "running"
    assert page.get_by_test_id("start").is_disabled()

    # A second page (another tab) tries to start while the first job runs: the server's message shows.
    other = page.context.new_page()
    other.goto(f"{server}/#/training")
    other.wait_for_selector(f"{STATUS}[data-status='running']")
    # Its Start is disabled while a job runs; submit the form in one step (re-enabling the button and
    # clicking raced the next frame's render, which disables it again).
    other.evaluate("document.querySelector('[data-testid=training-form]').requestSubmit()")
    message = other.get_by_test_id("training-message")
    message.wait_for()
    assert "already training" in message.text_content()
    screenshot(other, "training-already-running")
    other.close()

    page.get_by_test_id("stop").click()
    page.wait_for_selector(f"{STATUS}[data-status='stopped']", timeout=30_000)
    assert "stopped" in page.get_by_test_id("training-message").text_content().lower()
    assert not page.get_by_test_id("start").is_disabled()
    screenshot(page, "training-stopped")

    page.goto(f"{server}/#/network?digit=5&index=0")
    page.wait_for_selector(".network[data-busy='false']")
    answer = post("/api/network/predict", {"digit": 5, "index": 0})
    assert page.get_by_test_id("prediction").get_attribute("data-prediction") == str(answer["prediction"])


def test_the_training_view_fits_a_phone(phone_page: Any, server: str, screenshot: Any) -> None:
    phone_page.goto(f"{server}/#/training")
    phone_page.wait_for_selector(STATUS)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    form = phone_page.get_by_test_id("training-form").bounding_box()
    chart = phone_page.get_by_test_id("loss-chart").bounding_box()
    assert chart["y"] > form["y"] + form["height"], "stacked: the charts come below the settings"
    screenshot(phone_page, "training-phone")
    screenshot(phone_page, "training-phone-full", full_page=True)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("lr", "", "Enter a number from 0.00001 to 1."),
        ("lr", "-1", "Must be a number from 0.00001 to 1 (got -1)."),
        ("batch_size", "1e9", "Must be a whole number from 8 to 512 (got 1e9)."),
        ("conv1_channels", "2.5", "Must be a whole number from 1 to 32 (got 2.5)."),
    ],
)
def test_a_bad_setting_is_explained_beside_its_field_and_nothing_is_sent(
    page: Any, server: str, screenshot: Any, name: str, value: str, message: str
) -> None:
    starts: list[str] = []
    # Only a start counts (the explained-step panel asks for its own numbers on opening).
    page.on(
        "request",
        lambda r: starts.append(r.url) if r.method == "POST" and r.url.endswith("/api/training") else None,
    )
    page.goto(f"{server}/#/training")
    page.wait_for_selector(STATUS)
    fill(page, {name: value})
    for _ in range(3):
        page.get_by_test_id("start").click()
    note = page.get_by_test_id(f"invalid-{name}")
    assert note.is_visible()
    assert note.text_content() == message
    field = page.get_by_test_id(f"field-{name}")
    assert field.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.name") == name
    screenshot(page, f"qa-net-training-invalid-{name}")
    fill(page, {name: "16" if name != "lr" else "0.01"})
    assert not note.is_visible(), "the message goes as soon as the value is allowed"
    assert field.get_attribute("aria-invalid") == "false"
    assert starts == [], "no request while a field is invalid"


def test_what_is_typed_before_the_last_run_arrives_is_kept(
    page: Any, server: str, api: Any, post: Any, pretrained_after: None
) -> None:
    """The last run's settings fill the form a moment after it is drawn, but not over a field just typed in.

    (They once did: a value typed at once was replaced, and Start then sent the last run's settings.)
    """
    post("/api/training", {"epochs": 1, "train_size": 64, "batch_size": 32})
    for _ in range(300):  # a tiny run: a second or two
        if api("/api/training")["state"] != "running":
            break
        page.wait_for_timeout(100)
    held: list[Any] = []  # the page's GET /api/training, answered only once the fields are typed in
    page.route("**/api/training", lambda route: held.append(route) if route.request.method == "GET"
               else route.fallback())  # fmt: skip
    page.goto(f"{server}/#/training")
    page.wait_for_selector(STATUS)
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(25)
    assert held, "the page asks for the last run"
    fill(page, {"lr": "-1", "epochs": "3"})
    for route in held:
        route.continue_()
    page.unroute("**/api/training")
    page.wait_for_selector(f"{STATUS}[data-status='done']")  # the last run's status has been shown
    value = lambda name: page.get_by_test_id(f"field-{name}").input_value()  # noqa: E731
    assert value("train_size") == "64", "the fields not typed in show the last run's settings"
    assert (value("lr"), value("epochs")) == ("-1", "3")
    page.get_by_test_id("start").click()
    assert page.get_by_test_id("invalid-lr").text_content() == "Must be a number from 0.00001 to 1 (got -1)."
    assert api("/api/training")["config"]["train_size"] == 64, "nothing was started"


def test_the_loss_key_names_each_curves_loss(page: Any, server: str, api: Any,
                                             pretrained_after: None) -> None:
    page.goto(f"{server}/#/training")
    page.wait_for_selector(STATUS)
    fill(page, {"loss": "half_squared_error", "train_size": "64", "epochs": "1", "batch_size": "32"})
    before = api("/api/training")["job"] or ""  # an earlier test's run may show "done" until ours starts
    page.get_by_test_id("start").click()
    page.wait_for_selector(f"{STATUS}[data-status='done']:not([data-job='{before}'])", timeout=60_000)
    key = page.get_by_test_id("loss-key").text_content()
    assert key == "training half squared error (per batch)held-out cross-entropy (per epoch)"
    assert page.get_by_text("they are different quantities").is_visible()
    page.reload()  # the key follows the job on the server, not the form's default
    page.wait_for_selector(f"{STATUS}[data-status='done']")
    assert "training half squared error" in page.get_by_test_id("loss-key").text_content()
