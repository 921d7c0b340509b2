"""``convscope train``: a tiny real training run, evaluation of weights files, and bad input (exit 2)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from convscope.cli import main
from convscope.cli.train import _progress_printer
from convscope.nn import load
from convscope.train import Progress


def run_train(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``convscope train ARGS`` in-process; return (exit status, stdout, stderr)."""
    status = main(["train", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_a_tiny_training_run_saves_weights_and_reports_accuracy(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_path = tmp_path / "tiny.npz"
    status, out, _ = run_train(
        capsys,
        "--epochs",
        "2",
        "--limit",
        "512",
        "--batch-size",
        "32",
        "--augment",
        "0",
        "--out",
        str(out_path),
    )
    assert status == 0
    assert out_path.is_file()
    assert [name for name, _ in load(out_path)][:2] == ["conv1", "relu1"]
    # Not a terminal: plain progress lines, no carriage returns.
    assert "\r" not in out
    assert re.search(r"epoch 2/2  batch 16/16  loss \d\.\d{4}  accuracy \d\.\d{3}  [\d,]+ images/s", out)
    assert "trained 512 digits for 2 epochs" in out
    match = re.search(r"held-out accuracy: (\d+\.\d\d)% \((\d+)/2000\)", out)
    assert match is not None
    # 512 digits and two epochs beat chance (10%) by a wide margin.
    assert float(match.group(1)) > 30


def test_evaluate_measures_the_shipped_weights(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_train(capsys, "--evaluate")
    assert status == 0
    match = re.search(r"held-out accuracy: (\d+\.\d\d)% \((\d+)/2000\)", out)
    assert match is not None
    assert float(match.group(1)) >= 98.5


def test_evaluate_a_saved_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    run_train(capsys, "--epochs", "1", "--limit", "64", "--out", str(path))
    status, out, _ = run_train(capsys, "--evaluate", "--weights", str(path))
    assert status == 0
    assert "held-out accuracy:" in out
    assert "trained" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--epochs", "0"], r"argument --epochs: must be >= 1, got 0"),
        (["--batch-size", "many"], r"argument --batch-size: expected an integer, got 'many'"),
        (["--lr", "-1"], r"argument --lr: must be a finite number > 0, got -1"),
        (["--lr", "nan"], r"argument --lr: must be a finite number > 0"),
        (["--optimizer", "rmsprop"], r"argument --optimizer: invalid choice: 'rmsprop'"),
        (["--augment", "-2"], r"argument --augment: must be between 0 and 8, got -2"),
        (["--augment", "20"], r"argument --augment: must be between 0 and 8, got 20"),
        (["--batch-size", "0"], r"argument --batch-size: must be >= 1, got 0"),
        (["--lr", "inf"], r"argument --lr: must be a finite number > 0, got inf"),
        (["--limit", "0"], r"argument --limit: must be >= 1"),
        # Newer Pythons quote the choices.
        (["--loss", "hinge"], r"--loss: invalid choice: 'hinge' \(choose from '?cross_entropy'?, '?half_"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["train", *args])
    assert exit_info.value.code == 2
    assert re.search(message, capsys.readouterr().err)


def test_help_documents_the_loss(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--help"])
    assert exit_info.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())  # argparse wraps to the terminal's width
    assert "--loss {cross_entropy,half_squared_error}" in help_text
    assert "half_squared_error (output vs one-hot, the classic LeNet's)" in help_text


def test_values_argparse_cannot_check_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run_train(capsys, "--weights", "x.npz")
    assert status == 2
    assert "--weights only goes with --evaluate" in err


def _not_a_model(tmp_path: Path, kind: str) -> Path:
    """A path that holds something other than a model file."""
    path = tmp_path / f"{kind}.npz"
    if kind == "directory":
        path.mkdir()
    elif kind != "missing":
        path.write_bytes({"text": b"hello, I am text\n", "empty": b""}[kind])
    return path


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("text", "not a readable .npz file"),
        ("empty", "not a readable .npz file"),
        ("directory", "a directory; give the .npz file"),
        ("missing", "no such file"),
    ],
)
def test_weights_that_are_not_a_model_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str, message: str
) -> None:
    path = _not_a_model(tmp_path, kind)
    status, _, err = run_train(capsys, "--evaluate", "--weights", str(path))
    assert status == 2
    assert err.startswith("convscope train: error: ")
    assert err.count("\n") == 1
    assert message in err
    assert str(path) in err


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("missing/dir/x.npz", "the folder .*missing/dir does not exist"),
        (".", "a directory; give a file name"),
    ],
)
def test_an_unwritable_out_fails_before_training(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    message: str,
) -> None:
    def no_training(*args: object, **kwargs: object) -> None:
        raise AssertionError("prepared a run before checking --out")

    monkeypatch.setattr("convscope.cli.train.prepare", no_training)
    status, out, err = run_train(capsys, "--epochs", "1", "--limit", "8", "--out", str(tmp_path / where))
    assert status == 2
    assert re.search(f"convscope train: error: --out .*: {message}", err)
    assert out == ""


def test_a_terminal_gets_one_rewritten_line() -> None:
    stream = io.StringIO()
    show = _progress_printer(stream, tty=True)
    for batch in (1, 2):
        show(Progress("batch", 1, 1, batch, 2, 0.5, 0.75, 1000.0, 0.01))
    show(Progress("epoch", 1, 1, 2, 2, 0.5, 0.75, 1000.0, 0.01, 0.4, 0.8))
    text = stream.getvalue()
    assert text.count("\r") == 3
    assert text.count("\n") == 1
    assert text.endswith("1,000 images/s\n")


def test_train_runs_blas_on_one_thread(capsys: pytest.CaptureFixture[str]) -> None:
    """Spinning BLAS threads made training steps 2-3x slower (convscope._runtime): the CLI turns them off."""
    from threadpoolctl import threadpool_info, threadpool_limits

    def blas_threads() -> set[int]:
        return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}

    with threadpool_limits(limits=None):  # puts the test process back as it was
        threadpool_limits(limits=2, user_api="blas")
        assert blas_threads() == {2}
        assert main(["train", "--evaluate"]) == 0
        assert blas_threads() == {1}
    assert "held-out accuracy" in capsys.readouterr().out
