"""``convscope serve``: a real server in a subprocess over real HTTP, the busy-port message, the browser."""

from __future__ import annotations

import http.client
import json
import re
import select
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import webbrowser
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch

from convscope.cli import main
from convscope.cli.serve import address, open_browser
from convscope.data import crop_digit, digit

CONVSCOPE = shutil.which("convscope", path=str(Path(sys.executable).parent)) or "convscope"


def read_url(process: subprocess.Popen[str], timeout: float = 30.0) -> str:
    """The URL the server prints on its first lines (waiting at most ``timeout`` seconds)."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            line = process.stdout.readline()
            seen.append(line)
            match = re.search(r"http://\S+/", line)
            if match:
                return match.group(0)
        if process.poll() is not None:
            break
    raise AssertionError(f"no URL printed; output so far: {seen!r}")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with subprocess.Popen(
        [CONVSCOPE, "serve", "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    ) as process:  # closes the pipe on the way out
        try:
            yield read_url(process)
        finally:
            process.terminate()
            process.wait(timeout=15)


def test_real_server_answers_page_health_and_convolve(server: str) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", server)
    with urllib.request.urlopen(server, timeout=10) as page:
        assert page.status == 200
        assert "<html" in page.read().decode().lower()
    with urllib.request.urlopen(server + "api/health", timeout=10) as health:
        assert json.load(health)["status"] == "ok"
    body = json.dumps({"digit": 3, "index": 1, "kernel": "sobel_x", "padding": 1, "stride": 2}).encode()
    request = urllib.request.Request(
        server + "api/convolve", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        result = json.load(response)
    x = torch.tensor(crop_digit(digit(3, 1)) / 255.0)[None, None]  # (1, 1, 20, 20)
    w = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]], dtype=torch.float64)[None, None]
    expected = torch.nn.functional.conv2d(x, w, stride=2, padding=1)[0, 0].numpy()
    np.testing.assert_allclose(result["output"], expected, atol=1e-12)
    assert np.shape(result["output"]) == expected.shape


@pytest.mark.parametrize("path", ["/../pyproject.toml", "/../../../../etc/passwd", "/js/../../app.py"])
def test_real_server_refuses_dot_dot_paths_sent_verbatim(server: str, path: str) -> None:
    host, port = re.findall(r"http://([\d.]+):(\d+)/", server)[0]
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path)  # http.client sends the path as is, without normalising `..`
        response = connection.getresponse()
        text = response.read().decode()
    finally:
        connection.close()
    assert response.status == 404
    assert "[project]" not in text
    assert "root:" not in text


def test_busy_port_is_one_line_naming_port_and_exit_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = main(["serve", "--no-browser", "--port", str(port)])
    err = capsys.readouterr().err
    assert status == 2
    assert f"port {port} on 127.0.0.1 is already in use" in err
    assert "--port" in err
    assert "Traceback" not in err
    assert err.count("\n") == 1


def test_busy_port_from_the_command_line_exits_2_without_traceback() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [CONVSCOPE, "serve", "--no-browser", "--port", str(port)],
            capture_output=True, text=True, timeout=60,
        )
    assert done.returncode == 2
    assert "choose another with --port" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("port", "message"), [("http", "must be a whole number 0..65535"),
                                               ("70000", "must be 0..65535")])
def test_bad_port_is_refused_by_the_parser(
    capsys: pytest.CaptureFixture[str], port: str, message: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--port", port])
    assert exit_info.value.code == 2
    assert f"argument --port: {message}" in capsys.readouterr().err


def test_mnist_dir_that_does_not_exist_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["serve", "--no-browser", "--port", "0", "--mnist-dir", str(tmp_path / "none")])
    assert status == 2
    assert f"--mnist-dir: {tmp_path / 'none'}: not a directory" in capsys.readouterr().err


def test_no_display_means_no_browser_and_no_attempt() -> None:
    attempts: list[str] = []

    def opener(url: str) -> bool:
        attempts.append(url)
        return True

    opened = open_browser("http://127.0.0.1:1/", opener=opener, environ={})
    if sys.platform.startswith("linux"):
        assert opened is False
        assert attempts == []
    else:
        assert opened is True


def test_a_failing_browser_is_reported_not_raised() -> None:
    def broken(url: str) -> bool:
        raise webbrowser.Error("could not locate runnable browser")

    assert open_browser("http://127.0.0.1:1/", opener=broken, environ={"DISPLAY": ":0"}) is False
    assert open_browser("http://127.0.0.1:1/", opener=lambda url: False, environ={"DISPLAY": ":0"}) is False
    assert open_browser("http://127.0.0.1:1/", opener=lambda url: True, environ={"DISPLAY": ":0"}) is True


@pytest.mark.parametrize(
    ("host", "url"),
    [("127.0.0.1", "http://127.0.0.1:8000/"), ("0.0.0.0", "http://127.0.0.1:8000/"),
     ("::", "http://[::1]:8000/"), ("::1", "http://[::1]:8000/"), ("localhost", "http://localhost:8000/")],
)
def test_address_is_what_a_local_browser_can_open(host: str, url: str) -> None:
    assert address(host, 8000) == url
