"""Training a classroom can watch: the progress bar covers the whole run, slow mode paces the steps the
page sees, the augmentation and speed chosen are what the page sends, one accuracy is shown for the
model, and the explained step shows the lesson's own numbers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from tests.e2e.test_training import STATUS, fill

pytestmark = pytest.mark.e2e


def js_sig(value: float) -> str:
    """The page's four significant figures (step.js's `sig`): String(Number(v.toPrecision(4)))."""
    return str(np.format_float_positional(float(f"{value:.4g}"), trim="-"))


@pytest.fixture
def pretrained_after(post: Any) -> Iterator[None]:
    yield
    post("/api/training/stop", {})
    post("/api/training/use", {"model": "pretrained"})


def test_slow_mode_paces_a_run_the_bar_covers_and_the_settings_are_sent(
    page: Any, server: str, api: Any, screenshot: Any, pretrained_after: None
) -> None:
    starts: list[Any] = []
    page.on("request", lambda r: starts.append(r.post_data_json) if r.url.endswith("/api/training")
            and r.method == "POST" else None)
    page.goto(f"{server}/#/training")
    page.wait_for_selector(STATUS)
    # 128 digits in batches of 32: 4 steps an epoch, 8 in all, at 5 a second: about 1.6 s to watch.
    fill(page, {"train_size": "128", "epochs": "2", "batch_size": "32", "augment": "3",
                "steps_per_second": "5"})
    page.get_by_test_id("start").click()
    page.wait_for_selector(f"{STATUS}[data-status='running']")
    assert starts[-1]["augment"] == 3
    assert starts[-1]["steps_per_second"] == 5
    # Mid-run, in epoch 2, the bar is past half: it measures the run, not the epoch.
    page.wait_for_function(
        "() => /epoch 2 of 2, batch [1-3] of 4/"
        ".test(document.querySelector('[data-part=epoch]').textContent)",
        timeout=30_000,
    )
    value = page.get_by_test_id("progress").evaluate("p => p.value")
    batch = int(page.locator("[data-part=epoch]").text_content().split("batch ")[1].split(" ")[0])
    assert value == pytest.approx((4 + batch) / 8, abs=1 / 8 + 1e-9)  # at most one event behind the text
    assert value > 0.5
    assert "% of the run" in page.get_by_test_id("run-progress").text_content()
    screenshot(page, "training-slow-mid-run")
    page.wait_for_selector(f"{STATUS}[data-status='done']", timeout=60_000)
    status = api("/api/training")
    assert status["steps_per_second"] == 5
    assert status["config"]["augment"] == 3
    assert [e["batch"] for e in status["progress"]] == [1, 2, 3, 4] * 2, "slow mode shows every step"
    assert page.get_by_test_id("progress").evaluate("p => p.value") == 1
    assert int(page.get_by_test_id("loss-chart").get_attribute("data-points")) == 8
    smooth = page.get_by_test_id("loss-chart").get_attribute("data-smooth").split(",")
    expected = [e["smooth_loss"] for e in status["progress"]]
    assert [float(v) for v in smooth] == pytest.approx(expected, abs=1e-4)
    accuracy = float(page.locator("[data-part=latest]").get_attribute("data-accuracy"))
    assert accuracy == status["last"]["accuracy"]
    assert accuracy == api("/api/network/model?model=trained")["accuracy"], "one accuracy for the model"


def test_a_stopped_run_says_why_in_plain_words(page: Any, server: str, pretrained_after: None) -> None:
    page.goto(f"{server}/#/training")
    page.wait_for_selector(STATUS)
    fill(page, {"train_size": "2000", "epochs": "5", "batch_size": "32", "steps_per_second": "20"})
    page.get_by_test_id("start").click()
    page.wait_for_selector(f"{STATUS}[data-status='running']")
    page.get_by_test_id("stop").click()
    page.wait_for_selector(f"{STATUS}[data-status='stopped']", timeout=30_000)
    assert page.get_by_test_id("training-message").text_content() == "Stopped: you pressed Stop"


def test_the_explained_step_shows_the_lessons_numbers(
    page: Any, server: str, post: Any, screenshot: Any
) -> None:
    page.goto(f"{server}/#/training")
    page.wait_for_selector("[data-testid=step][data-busy='false'] [data-testid=step-loss]")
    page.get_by_test_id("step-digit").select_option("3")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=step-loss]').textContent.startsWith('p(3)')"
    )
    page.wait_for_selector("[data-testid=step][data-busy='false']")
    expected = post("/api/training/step", {"digit": 3, "lr": 0.1, "seed": 0})
    loss = page.get_by_test_id("step-loss")
    assert float(loss.get_attribute("data-value")) == expected["loss"]
    assert f"= {js_sig(expected['loss'])}" in loss.text_content()
    shown = page.get_by_test_id("step-grad-logits").get_attribute("data-values").split(",")
    assert [float(v) for v in shown] == expected["grad_logits"]
    rows = page.locator("[data-testid=step-layers] tbody tr")
    assert rows.count() == len(expected["layers"])
    norms = rows.evaluate_all("rows => rows.map((r) => [r.dataset.layer, Number(r.dataset.gradNorm)])")
    assert norms == [[layer["name"], layer["grad_norm"]] for layer in expected["layers"]]
    for i, weight in enumerate(expected["weights"]):
        line = page.get_by_test_id(f"step-weight-{i}")
        assert float(line.get_attribute("data-grad")) == weight["grad"]
        assert float(line.get_attribute("data-new-value")) == weight["new_value"]
        assert f"= {js_sig(weight['new_value'])}" in line.text_content()
    screenshot(page, "training-explained-step", full_page=True)


def test_on_a_phone_starting_brings_the_bar_and_the_loss_curve_into_view(
    phone_page: Any, server: str, screenshot: Any, pretrained_after: None
) -> None:
    phone_page.goto(f"{server}/#/training")
    phone_page.wait_for_selector(STATUS)
    fill(phone_page, {"train_size": "128", "epochs": "2", "batch_size": "32", "steps_per_second": "5"})
    phone_page.get_by_test_id("start").click()
    phone_page.wait_for_selector(f"{STATUS}[data-status='running']")
    phone_page.wait_for_function(
        """() => { const bar = document.querySelector('[data-testid=progress]').getBoundingClientRect();
          const chart = document.querySelector('[data-testid=loss-chart]').getBoundingClientRect();
          return bar.top >= 0 && chart.bottom <= innerHeight; }"""
    )
    screenshot(phone_page, "training-phone-running")
    phone_page.wait_for_selector(f"{STATUS}[data-status='done']", timeout=60_000)
