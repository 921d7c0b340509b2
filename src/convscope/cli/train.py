"""``convscope train``: train LeNet on the bundled digits, or ``--evaluate`` a weights file.

Training uses the fixed split of ``convscope.data.train_test_split`` (8,000 to train, 2,000 held out),
shows progress (one rewritten line on a terminal, plain lines in a log), saves the weights and prints the
held-out accuracy. The run is built by ``convscope.recipe.prepare``, as the Training page's is, so the
same settings and seed give the same weights from either; the defaults are the recipe of the shipped model
(``convscope.nn.pretrained``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from convscope.nn.model import Sequential
from convscope.recipe import TRAIN_DIGITS, Recipe, Run, held_out_digits, prepare
from convscope.train import LOSSES, OPTIMIZERS, Progress, TrainConfig, evaluate

DEFAULTS = TrainConfig()


def _positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    return _int_at_least(text, 1)


def _non_negative_int(text: str) -> int:
    """argparse type: an integer >= 0."""
    return _int_at_least(text, 0)


def _shift(text: str) -> int:
    """argparse type: an integer in 0..8 (TrainConfig's bound on augmentation shifts)."""
    return _int_at_least(text, 0, maximum=8)


def _int_at_least(text: str, minimum: int, maximum: int | None = None) -> int:
    """``text`` as an int in [minimum, maximum], or an argparse error (exit status 2) naming the range."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        allowed = f">= {minimum}" if maximum is None else f"between {minimum} and {maximum}"
        raise argparse.ArgumentTypeError(f"must be {allowed}, got {value}")
    return value


def _positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not np.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value


def add_parser(sub: Any) -> None:
    """Register ``convscope train`` on the top-level subparsers."""
    p = sub.add_parser(
        "train",
        help="train LeNet on the bundled digits, or evaluate a weights file",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    p.add_argument(
        "--epochs", type=_positive_int, default=DEFAULTS.epochs, help="passes over the 8,000 digits"
    )
    p.add_argument("--batch-size", type=_positive_int, default=DEFAULTS.batch_size, help="images per step")
    p.add_argument(
        "--lr", type=_positive_float, default=DEFAULTS.lr, help="peak learning rate (cosine decay)"
    )
    p.add_argument(
        "--optimizer", choices=OPTIMIZERS, default=DEFAULTS.optimizer, help="adam or sgd (momentum 0.9)"
    )
    p.add_argument(
        "--loss",
        choices=LOSSES,
        default=DEFAULTS.loss,
        help="cross_entropy (on the logits) or half_squared_error (output vs one-hot, the classic LeNet's)",
    )
    p.add_argument(
        "--augment",
        type=_shift,
        default=DEFAULTS.augment,
        metavar="N",
        help="shift each training digit by up to N pixels (0: off)",
    )
    p.add_argument(
        "--seed", type=_non_negative_int, default=DEFAULTS.seed, help="initial weights, shuffles, shifts"
    )
    p.add_argument(
        "--limit",
        type=_positive_int,
        default=None,
        metavar="N",
        help="train on N of the 8,000 training digits, evenly spaced so every class is in (quick runs)",
    )
    p.add_argument("--out", default="lenet_mnist.npz", metavar="PATH", help="where to save the weights")
    p.add_argument("--evaluate", action="store_true", help="only measure the held-out accuracy of --weights")
    p.add_argument(
        "--weights", default=None, metavar="PATH", help="weights to evaluate (default: the shipped ones)"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Train (or evaluate) as ``args`` says; returns the exit status."""
    from convscope._runtime import one_blas_thread

    one_blas_thread()

    if args.evaluate:
        model = _load_weights(args.weights)
        test_x, test_y = held_out_digits()
    else:
        if args.weights is not None:
            raise ValueError("--weights only goes with --evaluate (training starts from random weights)")
        _check_writable(args.out)  # now, not after minutes of training
        run = prepare(_recipe(args))
        model = _train(run, args.out, sys.stdout)
        test_x, test_y = run.held_out_x, run.held_out_y
    result = evaluate(model, test_x, test_y)
    print(
        f"held-out accuracy: {result.accuracy:.2%} ({round(result.accuracy * result.count)}/{result.count}), "
        f"loss {result.loss:.4f}"
    )
    return 0


def _load_weights(path: str | None) -> Sequential:
    """The model at ``path``, or the shipped one."""
    from convscope.nn import load, pretrained

    if path is not None and Path(path).is_dir():
        raise ValueError(f"--weights {path}: a directory; give the .npz file saved by convscope train")
    if path is not None and not Path(path).is_file():
        raise ValueError(f"--weights {path}: no such file")
    return pretrained() if path is None else load(path)


def _check_writable(path: str) -> None:
    """A ValueError naming ``--out`` unless a file can be written at ``path``."""
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise ValueError(f"--out {path}: a directory; give a file name such as {target / 'lenet_mnist.npz'}")
    if not folder.is_dir():
        raise ValueError(f"--out {path}: the folder {folder} does not exist; create it or choose another")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise ValueError(f"--out {path}: not writable; choose a folder you can write to")


def _recipe(args: argparse.Namespace) -> Recipe:
    """The flags as a recipe; a ``--limit`` past the 8,000 training digits means all of them."""
    flags = ("epochs", "batch_size", "lr", "optimizer", "loss", "augment", "seed")
    # The same converter as the Training page's request: one place turns flat settings into a run.
    settings = {name: getattr(args, name) for name in flags}
    return Recipe.from_dict({**settings, "train_size": min(args.limit or TRAIN_DIGITS, TRAIN_DIGITS)})


def _train(run: Run, path: str, out: TextIO) -> Sequential:
    """Train the run's LeNet, showing progress on ``out``; save it to ``path``."""
    from convscope.nn import save

    history = run.fit(callback=_progress_printer(out, out.isatty()))
    save(run.model, path)
    epochs = run.config.epochs
    print(
        f"trained {len(run.train_x)} digits for {epochs} epoch{'s' if epochs != 1 else ''} "
        f"in {history.seconds:.1f} s; saved {path}",
        file=out,
    )
    return run.model


def _progress_printer(out: TextIO, tty: bool) -> Any:
    """A ``fit`` callback: one rewritten line on a terminal; a line per fifth of an epoch otherwise."""

    def show(p: Progress) -> None:
        line = (
            f"epoch {p.epoch}/{p.epochs}  batch {p.batch}/{p.batches}  loss {p.loss:.4f}  "
            f"accuracy {p.accuracy:.3f}  {p.images_per_second:,.0f} images/s"
        )
        if tty:
            print(f"\r{line}", end="\n" if p.kind == "epoch" else "", file=out, flush=True)
        elif p.kind == "epoch" or p.batch % max(1, p.batches // 5) == 0:
            print(("epoch done: " if p.kind == "epoch" else "") + line, file=out, flush=True)

    return show
