"""``convscope render`` and ``convscope code``: files written, the snippet printed, bad settings explained."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from convscope.arithmetic import explain_convolution
from convscope.cli import main
from convscope.cli.size import explanation_text
from convscope.export import PlaygroundSettings, as_matrix, playground_code, playground_lesson

FLAGS = ["playground", "--digit", "3", "--kernel", "sobel_x", "--padding", "1", "--stride", "1"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_render_writes_a_gif_with_a_progress_bar_and_says_it_was_subsampled(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "conv.gif"
    status, said, err = run(capsys, "render", *FLAGS, "--out", str(out), "--frames", "60", "--fps", "20")
    assert status == 0
    assert said == f"wrote {out} (subsampled: 60 frames show 400 windows (about one frame per 7 windows))\n"
    assert "\r[" + "#" * 30 + "] 60/60 frames" in err  # the bar, finished, on stderr
    with Image.open(out) as image:
        assert (image.format, image.n_frames, image.info["duration"]) == ("GIF", 60, 50)


def test_render_writes_the_2x_png_figure_and_an_apng(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    status, said, _ = run(capsys, "render", *FLAGS, "--out", str(tmp_path / "slide.png"))
    assert status == 0
    assert said.startswith(f"wrote {tmp_path / 'slide.png'} (figure ")
    status, _, err = run(capsys, "render", "playground", "--stride", "4", "--out", str(tmp_path / "a.apng"))
    assert status == 0
    assert err == ""
    with Image.open(tmp_path / "a.apng") as image:
        assert (image.format, image.n_frames) == ("PNG", 26)


def test_code_prints_the_snippet_for_the_same_settings(capsys: pytest.CaptureFixture[str]) -> None:
    settings = PlaygroundSettings(3, 0, "sobel_x", None, 1, 1, 1)
    for framework in ("numpy", "torch"):
        status, said, _ = run(capsys, "code", *FLAGS, "--framework", framework)
        assert status == 0
        assert said == playground_code(settings, framework)  # type: ignore[arg-type]


def test_code_takes_a_matrix_kernel_and_your_own_image(capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    image = np.arange(30.0).reshape(5, 6) / 30
    np.save(tmp_path / "mine.npy", image)
    status, said, _ = run(capsys, "code", "playground", "--image", str(tmp_path / "mine.npy"),
                          "--kernel", "1,0;0,-1", "--stride", "2")
    assert status == 0
    assert f"np.load({str(tmp_path / 'mine.npy')!r})" in said
    assert "weights = np.array([[1.0, 0.0], [0.0, -1.0]])" in said
    lesson = playground_lesson(PlaygroundSettings(kernel=((1.0, 0.0), (0.0, -1.0)), stride=2,
                                                  image=as_matrix(image)))
    assert f"Output {lesson['output_size'][0]}x{lesson['output_size'][1]}." in said  # type: ignore[index]


@pytest.mark.parametrize("command", ["render", "code"])
def test_a_kernel_that_fits_nowhere_gets_sizes_explanation_and_exit_2(
        command: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    extra = ["--out", str(tmp_path / "x.gif")] if command == "render" else []
    status, said, err = run(capsys, command, "playground", "--kernel", "box", "--kernel-size", "7",
                            "--dilation", "5", *extra)
    assert status == 2
    assert said == ""
    assert explanation_text(explain_convolution((20, 20), (7, 7), 0, 1, 5)) in err  # `convscope size`'s words
    assert f"convscope {command}: error: kernel_size 7 does not fit" in err
    assert not (tmp_path / "x.gif").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--kernel", "blur"], "kernel: unknown name 'blur'"),
    (["--kernel", "1,2;3"], "--kernel's rows must all have the same length"),
    (["--index", "99999"], "index: must be 0.."),
    (["--image", "x.png"], "--image must be a .npy file"),
])
def test_bad_settings_exit_2_naming_the_flag(args: list[str], message: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "code", "playground", *args)
    assert status == 2
    assert message in err


def test_render_refuses_an_unknown_format(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "render", "playground", "--out", "conv.jpg")
    assert status == 2
    assert "--out must end in .png, .gif or .apng" in err


def test_render_slide_writes_the_flip_and_slide(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "flip.apng"
    status, said, _ = run(capsys, "render", "slide", "--f", "gaussian", "--g", "box", "--frames", "25",
                          "--correlate", "--out", str(out), "--quiet")
    assert status == 0
    assert said == f"wrote {out} (subsampled: 25 frames show 241 positions of t (one frame per 10))\n"
    with Image.open(out) as image:
        assert image.n_frames == 25
    status, _, err = run(capsys, "render", "slide", "--f", "wobble", "--out", str(out))
    assert status == 2
    assert "f: unknown signal 'wobble'" in err


def test_render_pool_animates_max_pooling(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "pool.gif"
    status, said, _ = run(capsys, "render", "pool", "--digit", "3", "--kernel-size", "2", "--stride", "2",
                          "--out", str(out), "--quiet")
    assert status == 0
    assert said == f"wrote {out} (every window: 100 windows, 101 frames)\n"
    status, _, err = run(capsys, "render", "pool", "--kernel-size", "2", "--padding", "2", "--out", str(out))
    assert status == 2
    assert "padding must be at most half of kernel_size" in err
