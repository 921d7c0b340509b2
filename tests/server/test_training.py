"""/api/training*: real short jobs on a real server (uvicorn over loopback), events read over SSE.

Each job is tiny (a few hundred digits, one epoch) so the file runs in seconds; the idle timeout is set
to about a second through `NetworkState` so the page-closed case can be seen happening.
"""

from __future__ import annotations

import json
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import uvicorn
from starlette.exceptions import StarletteDeprecationWarning

from convscope.data import digit, to_mnist
from convscope.nn import load
from convscope.server import create_app
from convscope.server.state import NetworkState
from tests.server.contract import ContractClient, check_answer

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)

TINY = {"epochs": 1, "train_size": 256, "batch_size": 32}
# Paced to 25 steps a second: 250 steps take 10 s however fast the machine trains (unpaced, a faster
# engine finished it within the 1 s a test listens). Always stopped long before the end.
LONG = {"epochs": 2, "train_size": 8000, "batch_size": 64, "steps_per_second": 25}


@contextmanager
def serve(state: NetworkState) -> Iterator[httpx.Client]:
    """The real app under uvicorn on a free loopback port, and a client for it."""
    app = create_app()
    app.state.network = state
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", ws="none"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        # Every JSON answer is checked against its route's record as it arrives (streams are left alone).
        def check(response: httpx.Response) -> None:
            if "json" in response.headers.get("content-type", ""):
                response.read()
                check_answer(app, response)

        hooks = {"response": [check]}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30, event_hooks=hooks) as client:
            yield client
    finally:
        if state.job is not None:
            state.job.stop()
            state.job.wait(10)
        server.should_exit = True
        thread.join(10)


def events(client: httpx.Client, until: str | None = None) -> Iterator[dict[str, Any]]:
    """Parse the event stream; the generator ends with the stream (or when the caller stops reading)."""
    with client.stream("GET", "/api/training/events") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data: "):
                event = json.loads(line[len("data: ") :])
                yield event
                if event["type"] == until:
                    return


def test_a_short_job_streams_progress_epochs_and_done_then_serves_its_model(tmp_path: Path) -> None:
    with serve(NetworkState(idle_timeout=5, progress_every=2, filters_every=4)) as client:
        started = client.post("/api/training", json=TINY)
        assert started.status_code == 202
        second = client.post("/api/training", json=TINY)
        assert second.status_code == 409
        job = started.json()["job"]
        assert second.json()["message"].startswith(f"training: already training (job {job})")
        assert client.post("/api/training/use", json={}).status_code == 409  # not while it runs

        received = list(events(client))
        kinds = [e["type"] for e in received]
        assert kinds == ["progress"] * 4 + ["epoch", "done"]  # 8 batches, one event per 2
        assert [e["id"] for e in received] == list(range(6))
        assert [e["batch"] for e in received[:4]] == [2, 4, 6, 8]
        assert all(e["batches"] == 8 and e["epochs"] == 1 and e["loss"] > 0 for e in received[:5])
        assert all(e["images_per_second"] > 0 for e in received[:5])
        assert np.shape(received[1]["conv1_filters"]) == (6, 5, 5)  # batch 4: filters_every
        assert "conv1_filters" not in received[0]
        epoch = received[4]
        assert 0 <= epoch["val_accuracy"] <= 1
        assert epoch["val_loss"] > 0
        assert received[5]["accuracy"] == epoch["val_accuracy"]

        # A reconnecting EventSource sends the last id it saw and gets only the rest, then the stream ends.
        resumed = client.get("/api/training/events", headers={"Last-Event-ID": "3"}).text
        assert [json.loads(line[6:])["id"] for line in resumed.splitlines() if line.startswith("data: ")] == [
            4,
            5,
        ]

        status = client.get("/api/training").json()
        assert status["state"] == "done"
        assert len(status["progress"]) == 4
        assert status["epochs"][0]["val_accuracy"] == epoch["val_accuracy"]
        assert status["config"]["train_size"] == 256

        weights = client.get("/api/training/weights")
        assert weights.status_code == 200
        (tmp_path / "trained.npz").write_bytes(weights.content)
        downloaded = load(tmp_path / "trained.npz")
        assert client.post("/api/training/use", json={}).json()["active_model"] == "trained"
        answer = client.post("/api/network/predict", json={"digit": 2}).json()
        assert answer["model"] == "trained"
        expected = downloaded.predict(to_mnist(digit(2)).padded)[0]
        assert np.allclose(answer["probabilities"], expected, atol=1e-6)
        assert client.get("/api/network/model").json()["source"] == "trained"
        back = client.post("/api/training/use", json={"model": "pretrained"}).json()
        assert back["active_model"] == "pretrained"


def test_a_job_stopped_halfway_reports_stopped_and_the_app_stays_usable() -> None:
    with serve(NetworkState(idle_timeout=5, progress_every=2)) as client:
        assert client.post("/api/training", json=LONG).status_code == 202
        stream = events(client)
        first = next(stream)
        assert first["type"] == "progress"
        assert client.post("/api/training/stop", json={}).status_code == 200
        rest = list(stream)
        assert rest[-1]["type"] == "stopped"
        assert rest[-1]["reason"] == "you pressed Stop"
        assert rest[-1]["id"] < 62  # far fewer than two epochs' events
        assert client.get("/api/training").json()["state"] == "stopped"
        assert client.post("/api/network/predict", json={"digit": 6}).json()["model"] == "pretrained"
        # a stopped job's model serves too
        assert client.post("/api/training/use", json={}).json()["active_model"] == "trained"
        assert client.post("/api/network/predict", json={"digit": 6}).json()["model"] == "trained"
        # One accuracy for the model everywhere: the network view's is the stopped event's.
        assert client.get("/api/network/model").json()["accuracy"] == rest[-1]["accuracy"]
        assert client.post("/api/training", json=TINY).status_code == 202  # and a new job may start


def test_slow_mode_is_kept_with_the_job_and_publishes_every_batch() -> None:
    with serve(NetworkState(idle_timeout=5, progress_every=4)) as client:
        assert client.post("/api/training", json={**TINY, "steps_per_second": 40}).status_code == 202
        received = list(events(client))
        assert [e["batch"] for e in received if e["type"] == "progress"] == list(range(1, 9))
        status = client.get("/api/training").json()
        assert status["steps_per_second"] == 40
        assert "steps_per_second" not in status["config"]  # how fast, not what: the recipe is unchanged


def test_a_job_whose_page_is_gone_stops_itself() -> None:
    state = NetworkState(idle_timeout=0.5, progress_every=1)
    with serve(state) as client:
        assert client.post("/api/training", json=LONG).status_code == 202
        began = time.monotonic()
        for event in events(client):  # listen for twice the timeout: a listened-to job keeps going ...
            assert event["type"] in ("progress", "epoch")  # still running while listened to
            if time.monotonic() - began > 1.0:
                break
        left = time.monotonic()  # ... then leave like a closed tab
        assert state.job is not None
        assert state.job.wait(10)
        final = state.job.events_since(0)[-1]
        assert final["type"] == "stopped"
        assert final["reason"] == "no page listening for 0.5 s"
        assert time.monotonic() - left < 5


def test_a_job_nobody_ever_listens_to_stops_and_the_hard_cap_stops_any_job() -> None:
    quiet = NetworkState(idle_timeout=0.3)
    capped = NetworkState(idle_timeout=60, max_seconds=0.3)
    for state, reason in [(quiet, "no page listening for 0.3 s"), (capped, "time limit of 0.3 s reached")]:
        with ContractClient(create_app()) as client:
            client.app.state.network = state  # type: ignore[attr-defined]
            assert client.post("/api/training", json=LONG).status_code == 202
            assert state.job is not None
            assert state.job.wait(10)
            final = client.get("/api/training").json()["last"]
            assert (final["type"], final["reason"]) == ("stopped", reason)


def test_nothing_to_stream_use_or_download_before_any_job() -> None:
    with ContractClient(create_app()) as client:
        for method, path in [
            ("GET", "/api/training/events"),
            ("GET", "/api/training/weights"),
            ("POST", "/api/training/use"),
        ]:
            response = client.request(method, path, json={} if method == "POST" else None)
            assert response.status_code == 404, path
            assert "POST /api/training" in response.json()["message"]
        assert client.get("/api/training").json()["state"] == "idle"
        assert client.post("/api/training/stop", json={}).json()["state"] == "idle"  # harmless


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"epochs": 0}, "epochs: must be >= 1 (got 0)"),
        ({"epochs": 21}, "epochs: must be <= 20 (got 21)"),
        ({"batch_size": 4}, "batch_size: must be >= 8 (got 4)"),
        ({"batch_size": 513}, "batch_size: must be <= 512 (got 513)"),
        ({"lr": 0}, "lr: Input should be greater than 0 (got 0)"),
        ({"lr": 1.5}, "lr: must be <= 1.0 (got 1.5)"),
        ({"conv1_channels": 0}, "conv1_channels: must be >= 1 (got 0)"),
        ({"conv2_channels": 33}, "conv2_channels: must be <= 32 (got 33)"),
        ({"kernel_size": 4}, "kernel_size: Input should be 3 or 5 (got 4)"),
        ({"optimizer": "rmsprop"}, "optimizer: Input should be 'sgd' or 'adam'"),
        ({"loss": "l1"}, "loss: Input should be 'cross_entropy' or 'half_squared_error'"),
        ({"augment": 5}, "augment: must be <= 4 (got 5)"),
        ({"seed": -1}, "seed: must be >= 0 (got -1)"),
        ({"train_size": 10}, "train_size: must be >= 64 (got 10)"),
        ({"train_size": 9000}, "train_size: must be <= 8000 (got 9000)"),
        ({"epochs": "3"}, "epochs: must be an integer"),
        ({"momentum": 0.5}, "momentum: unknown field"),
        ({"steps_per_second": 0}, "steps_per_second: Input should be greater than 0 (got 0)"),
        ({"steps_per_second": 101}, "steps_per_second: must be <= 100"),
    ],
)
def test_bad_training_settings_name_the_field(body: dict[str, Any], message: str) -> None:
    with ContractClient(create_app()) as client:
        response = client.post("/api/training", json=body)
        assert response.status_code == 422
        assert message in response.json()["message"]
        nan = client.post(
            "/api/training", content=b'{"lr": NaN}', headers={"content-type": "application/json"}
        )
        assert nan.status_code == 422
        assert nan.json()["message"].startswith("lr: must be a finite number")
        assert client.get("/api/training").json()["state"] == "idle"  # nothing was started
