"""The signals routes: answers equal the lessons' numbers (every 200 checked against its record), WAVs
travel as audio/wav, and every bad input is a 4xx whose message names the field and what is allowed."""

from __future__ import annotations

import base64
import io
import wave
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import scipy.signal
from fastapi.testclient import TestClient

from convscope.lessons.signals import GRID_POINTS, GRID_STEP, grid
from convscope.server import create_app
from convscope.signal import bundled_sound, impulse_response, read_wav, waveform, write_wav
from tests.server.contract import ContractClient

WAV = {"content-type": "audio/wav"}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with ContractClient(create_app()) as test_client:
        yield test_client


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def test_catalogues(client: TestClient) -> None:
    names = [d["name"] for d in ok(client.get("/api/signals/distributions"))]
    assert names == ["uniform", "triangle", "geometric", "two_point", "article"]
    assert [s["name"] for s in ok(client.get("/api/signals/sounds"))] == ["drum", "melody", "pluck"]
    assert [p["name"] for p in ok(client.get("/api/signals/impulses"))] == [
        "echo",
        "slap_back",
        "room",
        "box",
    ]


def test_ball_drop(client: TestClient) -> None:
    body = {"f": [4, 3, 2, 1], "g": [1, 2, 1], "total": 3, "balls": 100_000, "seed": 3}
    lesson = ok(client.post("/api/signals/ball-drop", json=body))
    expected = np.convolve([0.4, 0.3, 0.2, 0.1], [0.25, 0.5, 0.25])
    np.testing.assert_allclose(lesson["convolution"], expected)
    assert lesson["probability"] == pytest.approx(expected[3])
    assert [(p["a"], p["b"]) for p in lesson["pairs"]] == [(1, 2), (2, 1), (3, 0)]
    assert lesson["drop"]["distance"] < 0.01
    assert ok(client.post("/api/signals/ball-drop", json=body))["drop"] == lesson["drop"]  # seeded
    assert ok(client.post("/api/signals/ball-drop", json={"f": [1], "g": [1]}))["drop"] is None


@pytest.mark.parametrize("flip", [True, False])
def test_slide_equals_numpy_on_the_grid(client: TestClient, flip: bool) -> None:
    drawn = np.linspace(0, 1, GRID_POINTS).tolist()
    lesson = ok(
        client.post("/api/signals/slide", json={"f": "box", "g": drawn, "flip": flip, "max_frames": 241})
    )
    f = waveform("box", grid())
    expected = (np.convolve if flip else np.correlate)(f, np.array(drawn), "full") * GRID_STEP
    np.testing.assert_allclose(lesson["result"], expected, atol=1e-12)
    np.testing.assert_allclose([fr["area"] for fr in lesson["frames"]], expected, atol=1e-12)


def test_echo_of_a_bundled_sound(client: TestClient) -> None:
    lesson = ok(client.post("/api/signals/echo", json={"sound": "pluck", "taps": [[0, 1], [0.25, 0.5]]}))
    samples, rate = bundled_sound("pluck")
    expected = scipy.signal.fftconvolve(samples, impulse_response([(0, 1), (0.25, 0.5)], rate))
    played, _ = read_wav(base64.b64decode(lesson["wav"]))
    np.testing.assert_allclose(played, np.clip(expected, -1, 1), atol=1.5 / 32768)
    assert len(lesson["output"]["min"]) == 800
    preset = ok(client.post("/api/signals/echo", json={"sound": "drum", "preset": "room", "columns": 100}))
    assert len(preset["taps"]) == 301


def test_bundled_sound_is_served_as_its_file(client: TestClient) -> None:
    response = client.get("/api/signals/sounds/melody.wav")
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    assert read_wav(response.content)[0].shape == bundled_sound("melody")[0].shape


def wav_file(width: int, channels: int, frames: int, rate: int = 8000) -> bytes:
    """A WAV the test writes with the standard library, as a learner's recorder would."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(
            bytes(range(256)) * (frames * width * channels // 256)
            + b"\x00" * (frames * width * channels % 256)
        )
    return out.getvalue()


@pytest.mark.parametrize(("width", "channels"), [(1, 1), (2, 2), (3, 1), (4, 2)])
def test_upload_echo_and_download(client: TestClient, width: int, channels: int) -> None:
    data = wav_file(width, channels, 4000)
    samples, rate = read_wav(data)
    lesson = ok(
        client.post(
            "/api/signals/echo/upload?delay=0&gain=1&delay=0.1&gain=0.5&columns=50", content=data, headers=WAV
        )
    )
    assert lesson["channels"] == channels
    assert lesson["output"]["samples"] == 4000 + 800
    response = client.post(
        "/api/signals/echo.wav?delay=0&gain=1&delay=0.1&gain=0.5", content=data, headers=WAV
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    h = (
        impulse_response([(0, 1), (0.1, 0.5)], rate)[:, None]
        if channels == 2
        else impulse_response([(0, 1), (0.1, 0.5)], rate)
    )
    expected = np.clip(scipy.signal.fftconvolve(samples, h, axes=0), -1, 1)
    np.testing.assert_allclose(read_wav(response.content)[0], expected, atol=1.5 / 32768)
    assert base64.b64decode(lesson["wav"]) == response.content


BAD_JSON = [
    ("/api/signals/ball-drop", {"f": [1, -1], "g": [1]}, 400, "f: weights must be >= 0 (f[1] is -1)"),
    (
        "/api/signals/ball-drop",
        {"f": [0, 0], "g": [1]},
        400,
        "f: needs at least one weight > 0 (all are zero)",
    ),
    ("/api/signals/ball-drop", {"f": [1, "x"], "g": [1]}, 422, "f[1]: must be a number"),
    ("/api/signals/ball-drop", {"f": [1] * 33, "g": [1]}, 422, "f: must have at most 32 items"),
    (
        "/api/signals/ball-drop",
        {"f": [1], "g": [1], "total": 1},
        400,
        "total: must be 0..0 for these f and g",
    ),
    ("/api/signals/ball-drop", {"f": [1], "g": [1], "balls": 9}, 422, "balls: must be >= 10"),
    ("/api/signals/ball-drop", {"f": [1], "g": [1], "balls": 100_001}, 422, "balls: must be <= 100000"),
    ("/api/signals/slide", {"f": "sine", "g": "box"}, 400, "f: unknown signal 'sine'; choose one of box"),
    ("/api/signals/slide", {"f": "box", "g": [1, 2]}, 422, "g: must have at least 121 item(s)"),
    ("/api/signals/slide", {"f": 3, "g": "box"}, 422, "f: must be a signal name (string) or a list of 121"),
    ("/api/signals/slide", {"f": "box", "g": "box", "max_frames": 0}, 422, "max_frames: must be >= 1"),
    (
        "/api/signals/echo",
        {"sound": "bell", "preset": "echo"},
        400,
        "sound: unknown sound 'bell'; choose one",
    ),
    (
        "/api/signals/echo",
        {"sound": "drum", "preset": "hall"},
        400,
        "preset: unknown impulse response 'hall'",
    ),
    ("/api/signals/echo", {"sound": "drum"}, 422, "body: give either `preset`"),
    ("/api/signals/echo", {"sound": "drum", "preset": "echo", "taps": [[0, 1]]}, 422, "body: give either"),
    ("/api/signals/echo", {"sound": "drum", "taps": [[-1, 1]]}, 400, "taps[0]: delay must be >= 0 seconds"),
    ("/api/signals/echo", {"sound": "drum", "taps": [[31, 1]]}, 400, "taps: delays must be at most 30 s"),
    ("/api/signals/echo", {"sound": "drum", "taps": [[0, 1, 2]]}, 422, "taps[0]: must have at most 2 items"),
    ("/api/signals/echo", {"sound": "drum", "taps": [[0, 0.1]] * 1001}, 422, "taps: must have at most 1000"),
]


@pytest.mark.parametrize(("url", "body", "status", "message"), BAD_JSON)
def test_bad_requests_name_the_field(
    client: TestClient, url: str, body: Any, status: int, message: str
) -> None:
    response = client.post(url, json=body)
    assert response.status_code == status, response.text
    assert response.json()["message"].startswith(message), response.json()["message"]


def long_wav() -> bytes:
    return write_wav(np.zeros(31 * 2000), 2000)  # 31 s at 2 kHz: ~124 KB, under the body limit


BAD_UPLOADS = [
    ("/api/signals/echo/upload?preset=echo", b"not audio", WAV, 400, "body: not a PCM WAV file"),
    ("/api/signals/echo.wav?preset=echo", b"RIFF\x00\x00", WAV, 400, "body: not a PCM WAV file"),
    (
        "/api/signals/echo/upload?preset=echo",
        long_wav(),
        WAV,
        400,
        "body: must be at most 30 s long (got 31.0",
    ),
    (
        "/api/signals/echo/upload?preset=echo",
        wav_file(2, 1, 10, rate=200_000),
        WAV,
        400,
        "body: sample rate must be 1..192,000 Hz",
    ),
    (
        "/api/signals/echo/upload?preset=echo",
        wav_file(2, 1, 10),
        {"content-type": "text/plain"},
        415,
        "Content-Type: must be audio/wav (also accepted: audio/vnd.wave, audio/wave, audio/x-wav) "
        "(got 'text/plain')",
    ),
    ("/api/signals/echo/upload?preset=echo", b"\0" * 300_000, WAV, 413, "body: the request is larger than"),
    (
        "/api/signals/echo/upload?preset=hall",
        wav_file(2, 1, 10),
        WAV,
        400,
        "preset: unknown impulse response",
    ),
    ("/api/signals/echo/upload", wav_file(2, 1, 10), WAV, 422, "query: give either `preset`"),
    ("/api/signals/echo.wav?delay=0", wav_file(2, 1, 10), WAV, 422, "query: give one `gain` per `delay`"),
    ("/api/signals/echo.wav?delay=-1&gain=1", wav_file(2, 1, 10), WAV, 422, "delay[0]: must be >= 0"),
    ("/api/signals/echo.wav?delay=31&gain=1", wav_file(2, 1, 10), WAV, 422, "delay[0]: must be <= 30"),
    ("/api/signals/echo.wav?preset=echo&colour=red", wav_file(2, 1, 10), WAV, 422, "colour: unknown field"),
]


@pytest.mark.parametrize(("url", "data", "headers", "status", "message"), BAD_UPLOADS)
def test_bad_uploads_name_the_field(
    client: TestClient, url: str, data: bytes, headers: dict[str, str], status: int, message: str
) -> None:
    response = client.post(url, content=data, headers=headers)
    assert response.status_code == status, response.text
    assert response.json()["message"].startswith(message), response.json()["message"]


def test_unknown_sound_file_is_404(client: TestClient) -> None:
    response = client.get("/api/signals/sounds/bell.wav")
    assert response.status_code == 404
    assert response.json()["message"] == "name: unknown sound 'bell'; choose one of drum, melody, pluck"


def test_laws_and_repeat(client: TestClient) -> None:
    """One click's answers: both sides of each law, and box * box * box by repeating the convolution."""
    tau = grid()
    box, decay = waveform("box", tau), waveform("decay", tau)
    laws = ok(client.post("/api/signals/laws", json={"f": "decay", "g": "box"}))  # h defaults to box
    np.testing.assert_allclose(laws["commutative"]["right"], np.convolve(box, decay) * GRID_STEP, atol=1e-12)
    triple = np.convolve(np.convolve(decay, box), box) * GRID_STEP**2
    np.testing.assert_allclose(laws["associative"]["left"], triple, atol=1e-12)
    assert laws["associative"]["max_difference"] < 1e-12
    bell = ok(client.post("/api/signals/slide", json={"f": "box", "g": "box", "repeat": 1}))
    assert bell["repeat"] == 1
    np.testing.assert_allclose(bell["result"], triple_box(box)[40:40 + 2 * GRID_POINTS - 1], atol=1e-12)
    response = client.post("/api/signals/slide", json={"f": "box", "g": "box", "repeat": 3})
    assert response.status_code == 422
    assert response.json()["message"].startswith("repeat: "), response.json()["message"]
    response = client.post("/api/signals/laws", json={"f": "box", "g": "box", "h": "sine"})
    assert response.status_code == 400
    assert response.json()["message"].startswith("h: unknown signal 'sine'")


def triple_box(box: np.ndarray) -> Any:
    return np.convolve(np.convolve(box, box), box) * GRID_STEP**2
