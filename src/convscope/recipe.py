"""One training run of LeNet on the bundled digits: its settings, `Recipe`, and `prepare`, which builds it.

``convscope train`` and the browser's Training page both build their run here, so the same settings and
seed give the same weights, byte for byte, from either. What the run is made of:

- the model: ``lenet(conv1_channels, conv2_channels, kernel_size)`` initialised from the *init* generator;
- the data: ``train_size`` digits of the fixed training split (``convscope.data.train_test_split``),
  evenly spaced through it, and the split's 2,000 held-out digits;
- the fit: ``convscope.train.fit`` with the recipe's ``TrainConfig`` and the *fit* generator.

The two generators come from ``np.random.default_rng(seed).spawn(2)``: independent streams, so changing how
many numbers the initialisation draws (wider layers) does not shift the shuffles and shifts of the fit.
This is how the shipped weights were made (``convscope.nn.pretrained``), so keep it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import numpy.typing as npt

# typing_extensions' TypedDict, as in records.py: pydantic needs it on Python < 3.12 if a schema uses it.
from typing_extensions import TypedDict

from convscope._validate import check_int
from convscope.data import load_digits, train_test_split
from convscope.nn.layers import FloatArray
from convscope.nn.model import Sequential, lenet, prepare_input
from convscope.train import History, Progress, TrainConfig, fit

__all__ = ["TRAIN_DIGITS", "Recipe", "RecipeSettings", "Run", "held_out_digits", "prepare"]

TRAIN_DIGITS = 8000  # the training part of convscope.data.train_test_split() (the other 2,000 are held out)

Labels = npt.NDArray[np.int64]


class RecipeSettings(TypedDict):
    """A recipe as flat JSON: the settings a person chooses on the Training page (``Recipe.to_dict``)."""

    conv1_channels: int
    conv2_channels: int
    kernel_size: int
    lr: float
    batch_size: int
    epochs: int
    optimizer: str
    loss: str
    augment: int
    seed: int
    train_size: int


@dataclass(frozen=True)
class Recipe:
    """Everything that decides a run's weights; the defaults rebuild the shipped LeNet.

    Examples
    --------
    >>> recipe = Recipe(train_size=64, fit=TrainConfig(epochs=1, batch_size=32, seed=3))
    >>> recipe.to_dict()["train_size"], recipe.fit.seed
    (64, 3)
    >>> Recipe.from_dict(recipe.to_dict()) == recipe
    True
    """

    # the model: convscope.nn.lenet
    conv1_channels: int = 6  # feature maps of conv1
    conv2_channels: int = 16  # feature maps of conv2
    kernel_size: int = 5  # side of both convolutions' square kernels (1..9)
    # the data
    train_size: int = TRAIN_DIGITS  # training digits used, evenly spaced through the split (1..8,000)
    # the fit; its seed is the whole run's: prepare splits it into the init and the fit generators
    fit: TrainConfig = field(default_factory=TrainConfig)

    def __post_init__(self) -> None:
        check_int(self.conv1_channels, "conv1_channels", minimum=1)
        check_int(self.conv2_channels, "conv2_channels", minimum=1)
        check_int(self.kernel_size, "kernel_size", minimum=1, maximum=9)  # lenet's bound on 32x32 inputs
        check_int(self.train_size, "train_size", minimum=1, maximum=TRAIN_DIGITS)
        if not isinstance(self.fit, TrainConfig):
            raise TypeError(f"fit must be a TrainConfig, got {type(self.fit).__name__}")

    @classmethod
    def from_dict(cls, settings: Mapping[str, Any]) -> Recipe:
        """A recipe from flat settings: ``to_dict``'s keys and any other ``TrainConfig`` field (optional)."""
        own = {f.name for f in fields(cls)} - {"fit"}
        known = own | {f.name for f in fields(TrainConfig)}
        unknown = sorted(set(settings) - known)
        if unknown:
            raise ValueError(
                f"unknown training settings: {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        fit_settings = {k: v for k, v in settings.items() if k not in own}
        return cls(**{k: v for k, v in settings.items() if k in own}, fit=TrainConfig(**fit_settings))

    def to_dict(self) -> RecipeSettings:
        """JSON-ready: the settings the Training page shows (momentum, weight decay and the schedule it
        cannot choose are left out; a page or CLI run always has ``TrainConfig``'s defaults for them)."""
        fit = self.fit
        return RecipeSettings(
            conv1_channels=self.conv1_channels,
            conv2_channels=self.conv2_channels,
            kernel_size=self.kernel_size,
            lr=fit.lr,
            batch_size=fit.batch_size,
            epochs=fit.epochs,
            optimizer=fit.optimizer,
            loss=fit.loss,
            augment=fit.augment,
            seed=fit.seed,
            train_size=self.train_size,
        )


@dataclass(frozen=True, eq=False)
class Run:
    """A run ready to train: a fresh model, its data and the fit generator. Train it once, with ``fit``."""

    model: Sequential  # a fresh LeNet from the init generator; ``fit`` trains it in place
    config: TrainConfig  # the recipe's fit settings
    train_x: FloatArray  # (N, 1, 32, 32) network-ready training digits
    train_y: Labels  # (N,)
    held_out_x: FloatArray  # (2000, 1, 32, 32) the split's held-out digits
    held_out_y: Labels  # (2000,)
    rng: np.random.Generator  # the fit generator: epoch shuffles and augmentation shifts

    def fit(
        self,
        callback: Callable[[Progress], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        *,
        validate: bool = False,
    ) -> History:
        """Train ``model`` with ``config`` and the fit generator; ``validate``: held-out numbers per epoch.

        Validation draws no random numbers, so it does not change the weights, only the time taken.
        Parameters and return as ``convscope.train.fit``.
        """
        val_x, val_y = (self.held_out_x, self.held_out_y) if validate else (None, None)
        return fit(
            self.model,
            self.config,
            self.train_x,
            self.train_y,
            val_x,
            val_y,
            callback=callback,
            should_stop=should_stop,
            rng=self.rng,
        )


def prepare(recipe: Recipe) -> Run:
    """Build the run ``recipe`` describes: the model, the training and held-out digits, the fit generator.

    Parameters
    ----------
    recipe : the settings; ``recipe.fit.seed`` seeds everything random

    Returns
    -------
    Run
        ``run.fit()`` trains ``run.model`` in place; the same recipe gives the same weights, bit for bit.

    Examples
    --------
    >>> run = prepare(Recipe(train_size=64, fit=TrainConfig(epochs=1, batch_size=32, seed=3)))
    >>> run.train_x.shape, run.held_out_x.shape
    ((64, 1, 32, 32), (2000, 1, 32, 32))
    >>> np.unique(run.train_y).tolist()  # evenly spaced through a split grouped by class: every digit
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    >>> len(run.fit().train_loss)
    1
    """
    init_rng, fit_rng = np.random.default_rng(recipe.fit.seed).spawn(2)
    model = lenet(recipe.conv1_channels, recipe.conv2_channels, recipe.kernel_size, rng=init_rng)
    digits = load_digits()
    train, _ = train_test_split()
    if recipe.train_size < len(train):
        # The split's indices are grouped by class: evenly spaced picks keep every digit represented.
        train = train[np.linspace(0, len(train) - 1, recipe.train_size).astype(int)]
    held_out_x, held_out_y = held_out_digits()
    train_x = prepare_input(digits.images[train])  # (N, 1, 32, 32)
    return Run(model, recipe.fit, train_x, _labels(digits.labels[train]), held_out_x, held_out_y, fit_rng)


def held_out_digits() -> tuple[FloatArray, Labels]:
    """The 2,000 held-out digits of ``convscope.data.train_test_split``, network-ready, and their labels.

    Examples
    --------
    >>> x, y = held_out_digits()
    >>> x.shape, y.shape, x.dtype
    ((2000, 1, 32, 32), (2000,), dtype('float32'))
    """
    digits = load_digits()
    _, held_out = train_test_split()
    return prepare_input(digits.images[held_out]), _labels(digits.labels[held_out])  # (2000, 1, 32, 32)


def _labels(labels: npt.NDArray[Any]) -> Labels:
    """Class labels as int64, the dtype ``fit`` and ``evaluate`` work in."""
    return labels.astype(np.int64)
