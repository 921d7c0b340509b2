"""``convscope size``: what it prints, its JSON, and its exit status on bad input."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from convscope.arithmetic import explain_convolution
from convscope.cli import BROKEN_PIPE_STATUS, main
from convscope.receptive import receptive_field


def run_size(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``convscope size ARGS`` in-process; return (exit status, stdout, stderr)."""
    status = main(["size", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_an_uneven_stride_is_explained_in_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_size(capsys, "--input", "20", "--kernel", "3", "--padding", "0", "--stride", "2")
    assert status == 0
    assert out.startswith("Output size: 9x9\nInvalid:")
    assert "height: O = (20 - 3 + 2×0)/2 + 1 = 9.5" in out
    assert "17 is not a multiple of the stride 2" in out
    assert "height: 19" in out  # the dropped padded row
    assert "1. stride 2 → 1" in out


def test_a_valid_setting_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_size(capsys, "--input", "7", "--kernel", "3", "--stride", "2")
    assert status == 0
    assert "Output size: 3x3" in out
    assert "Valid: a 3×3 kernel with stride 2" in out
    assert "Nearest valid settings" not in out


def test_json_is_the_explanation_dict(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_size(capsys, "--input", "28x32", "--kernel", "5", "--dilation", "2", "--json")
    assert status == 0
    assert json.loads(out) == explain_convolution((28, 32), 5, dilation=2)


def test_layers_print_a_receptive_field_table(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_size(capsys, "--input", "32", "--layers", "conv5,pool2,conv5,pool2")
    assert status == 0
    lines = [line.split() for line in out.splitlines()]
    assert lines[0] == ["layer", "output", "receptive", "field", "jump", "start"]
    assert lines[1] == ["input", "32", "1", "1", "0"]
    assert lines[-1] == ["pool2", "5", "16", "4", "7.5"]  # LeNet: 5x5 units, each seeing 16x16 pixels
    status, out, _ = run_size(capsys, "--layers", "conv3,pool2", "--json")
    assert json.loads(out) == receptive_field("conv3,pool2")


def test_a_kernel_that_does_not_fit_is_explained_then_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_size(capsys, "--input", "3", "--kernel", "5")
    assert status == 2
    assert "Output size: none (the kernel does not fit)" in out
    assert "padding 0 → 1" in out
    assert "convscope size: error: kernel_size 5 does not fit the input" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["--input", "2.5", "--kernel", "3"],
            "--input must be a whole number such as 28 or a pair such as 28x32",
        ),
        (["--input", "20", "--kernel", "-3"], "--kernel must be a whole number"),
        (["--input", "20", "--kernel", "3", "--stride", "0"], "stride must be >= 1, got 0"),
        (["--input", "20"], "give --input and --kernel"),
        (["--input", "32", "--layers", "conv5,dense10"], "unknown layer token 'dense10'"),
        (["--input", "8", "--layers", "conv5,pool2,conv5"], r"layer 3 \(conv5\): kernel_size 5 does not fit"),
        (["--input", "8", "--kernel", "3", "--layers", "conv3"], "either --kernel"),
        (["--input", "abc", "--kernel", "3"], "--input must be a whole number"),
        (["--input", "20x", "--kernel", "3"], "--input must be a whole number"),
        (["--input", "0", "--kernel", "3"], "input_size must be >= 1, got 0"),
        (["--input", "20", "--layers", "conv5,foo"], "unknown layer token 'foo'"),
        # explain_convolution lists dropped indices and searches nearby settings: sizes are bounded
        (["--input", "999999999", "--kernel", "3"], "input_size must be <= 65536, got 999999999"),
        (["--input", "20", "--kernel", "3", "--dilation", "99999999999"], "dilation must be <= 65536"),
        (["--input", "99999", "--kernel", "1", "--stride", "60000"], "input_size must be <= 65536"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    status, _, err = run_size(capsys, *args)
    assert status == 2
    assert err.startswith("convscope size: error: ")
    assert re.search(words, err)


def test_the_console_script_runs() -> None:
    script = Path(sys.executable).with_name("convscope")
    done = subprocess.run(
        [str(script), "size", "--input", "7", "--kernel", "3", "--stride", "3"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Output size: 2x2\nInvalid:")


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    # `convscope size ... | head -1`: the pipe closes before we write; say nothing, exit as SIGPIPE would.
    script = Path(sys.executable).with_name("convscope")
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [str(script), "size", "--input", "20", "--kernel", "3", "--stride", "2"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == BROKEN_PIPE_STATUS
