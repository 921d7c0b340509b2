"""One training recipe: ``convscope train`` and the Training page's job build the same run, byte for byte.

The runs are tiny (64 digits, one epoch of two batches, shifts on) so the file takes seconds; the shipped
weights' full rebuild (README) is the same code path with the default recipe.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from convscope.cli import main
from convscope.data import load_digits, train_test_split
from convscope.lessons.training_job import TrainingJob
from convscope.nn import Sequential, lenet, load, prepare_input, save
from convscope.recipe import TRAIN_DIGITS, Recipe, prepare
from convscope.train import TrainConfig

TINY = {"train_size": 64, "epochs": 1, "batch_size": 32, "augment": 2}  # the CLI's other defaults: adam, ...


def cli_weights(tmp_path: Path, seed: int, loss: str) -> Sequential:
    """Train with ``convscope train`` and load what it saved."""
    path = tmp_path / f"cli-{seed}-{loss}.npz"
    args = ["--epochs", "1", "--limit", "64", "--batch-size", "32", "--augment", "2"]
    assert main(["train", *args, "--seed", str(seed), "--loss", loss, "--out", str(path)]) == 0
    return load(path)


def job_weights(tmp_path: Path, seed: int, loss: str) -> Sequential:
    """Train with the server's job, from the flat settings the page sends, to the end; save and load it."""
    recipe = Recipe.from_dict({**TINY, "seed": seed, "loss": loss})
    job = TrainingJob(recipe, "test", idle_timeout=60)
    job.start()
    assert job.wait(60)
    assert job.state == "done", job.events_since(0)[-1]
    path = tmp_path / f"job-{seed}-{loss}.npz"
    save(job.model, path)
    return load(path)


def same_weights(a: Sequential, b: Sequential) -> bool:
    """Every parameter equal, bit for bit (names and order too)."""
    pa, pb = a.parameters(), b.parameters()
    return list(pa) == list(pb) and all(np.array_equal(pa[k].data, pb[k].data) for k in pa)


@pytest.mark.parametrize("loss", ["cross_entropy", "half_squared_error"])
def test_the_cli_and_the_training_job_give_byte_identical_weights(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], loss: str
) -> None:
    cli = cli_weights(tmp_path, 3, loss)
    assert same_weights(cli, job_weights(tmp_path, 3, loss))
    assert not same_weights(cli, lenet(rng=np.random.default_rng(3).spawn(2)[0]))  # it did train


def test_the_seed_and_the_loss_change_the_weights(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """So the test above can fail: equal weights are not what any two runs give."""
    reference = cli_weights(tmp_path, 3, "cross_entropy")
    assert not same_weights(reference, cli_weights(tmp_path, 4, "cross_entropy"))
    assert not same_weights(reference, cli_weights(tmp_path, 3, "half_squared_error"))
    assert not same_weights(reference, job_weights(tmp_path, 4, "cross_entropy"))


def test_the_seed_is_split_into_init_and_fit_generators() -> None:
    """The shipped weights were made this way (README's rebuild command): keep it."""
    run = prepare(Recipe(fit=TrainConfig(seed=7)))
    init_rng, fit_rng = np.random.default_rng(7).spawn(2)
    assert same_weights(run.model, lenet(rng=init_rng))
    assert run.rng.bit_generator.state == fit_rng.bit_generator.state


@pytest.mark.parametrize("size", [10, 64, 7999, TRAIN_DIGITS])
def test_the_training_digits_are_evenly_spaced_through_the_split(size: int) -> None:
    digits = load_digits()
    train, held_out = train_test_split()
    chosen = train[np.linspace(0, len(train) - 1, size).astype(int)]
    run = prepare(Recipe(train_size=size))
    np.testing.assert_array_equal(run.train_x, prepare_input(digits.images[chosen]))
    np.testing.assert_array_equal(run.train_y, digits.labels[chosen])
    np.testing.assert_array_equal(run.held_out_y, digits.labels[held_out])
    assert run.train_y.dtype == run.held_out_y.dtype == np.int64
    if size == TRAIN_DIGITS:  # all of them, in the split's order
        np.testing.assert_array_equal(chosen, train)


def test_the_page_json_keeps_its_keys_and_reads_back() -> None:
    recipe = Recipe(conv1_channels=4, kernel_size=3, train_size=128, fit=TrainConfig(epochs=2, seed=9))
    settings = recipe.to_dict()
    assert list(settings) == [
        "conv1_channels",
        "conv2_channels",
        "kernel_size",
        "lr",
        "batch_size",
        "epochs",
        "optimizer",
        "loss",
        "augment",
        "seed",
        "train_size",
    ]
    assert (settings["conv1_channels"], settings["epochs"], settings["seed"]) == (4, 2, 9)
    assert Recipe.from_dict(settings) == recipe
    assert Recipe.from_dict({"momentum": 0.5}).fit.momentum == 0.5  # any TrainConfig field


@pytest.mark.parametrize(
    ("settings", "error", "message"),
    [
        ({"train_size": 0}, ValueError, r"train_size must be >= 1, got 0"),
        ({"train_size": 8001}, ValueError, r"train_size must be <= 8000, got 8001"),
        ({"conv1_channels": 0}, ValueError, r"conv1_channels must be >= 1"),
        ({"conv2_channels": 2.0}, TypeError, r"conv2_channels must be an integer"),
        ({"kernel_size": 11}, ValueError, r"kernel_size must be <= 9"),
        ({"fit": {"epochs": 1}}, TypeError, r"fit must be a TrainConfig, got dict"),
    ],
)
def test_a_recipe_refuses_bad_values(settings: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        Recipe(**settings)


def test_flat_settings_are_checked_by_name() -> None:
    with pytest.raises(ValueError, match=r"unknown training settings: epoch, rate; known: augment, "):
        Recipe.from_dict({"epoch": 3, "rate": 0.1})
    with pytest.raises(ValueError, match=r"loss must be one of cross_entropy, half_squared_error"):
        Recipe.from_dict({"loss": "hinge"})
