"""The Training page's scripts are run for a few steps, and their losses compared with convscope's fit on
the same recipe (the page's job trains with that very fit)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from convscope.errors import SettingError
from convscope.export.snippets import Framework
from convscope.export.training_code import training_code
from convscope.recipe import Recipe, prepare
from convscope.train import TrainConfig
from tests.export.scripts import run_script

STEPS = 4
RECIPES = [
    Recipe(train_size=256, fit=TrainConfig(epochs=2, batch_size=32, lr=0.002, augment=2, seed=1)),
    Recipe(conv1_channels=4, conv2_channels=8, kernel_size=3, train_size=100,
           fit=TrainConfig(epochs=3, batch_size=64, lr=0.05, optimizer="sgd", loss="half_squared_error",
                           augment=0, seed=3)),  # 2 batches an epoch: the steps cross an epoch
]


def _fit_losses(recipe: Recipe, steps: int) -> list[float]:
    run = prepare(recipe)
    losses: list[float] = []
    run.fit(lambda p: losses.append(p.loss) if p.kind == "batch" else None, lambda: len(losses) >= steps)
    return losses


@pytest.mark.slow
@pytest.mark.parametrize("recipe", RECIPES, ids=["adam cross-entropy", "sgd half squared error"])
@pytest.mark.parametrize("framework", ["numpy", "torch"])
def test_each_script_trains_the_recipe_step_for_step(recipe: Recipe, framework: Framework, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    ran = run_script(training_code(recipe.to_dict(), framework), tmp_path, monkeypatch, "--steps", str(STEPS))
    expected = _fit_losses(recipe, STEPS)
    assert len(ran["losses"]) == STEPS
    # The same engine gives the same numbers; torch's float32 kernels round differently.
    np.testing.assert_allclose(ran["losses"], expected, rtol=1e-5 if framework == "torch" else 0)


def test_a_recipe_the_engine_refuses_is_refused_before_a_script_is_written() -> None:
    settings = Recipe().to_dict()
    settings["kernel_size"] = 11
    with pytest.raises(SettingError, match=r"^recipe: kernel_size"):
        training_code(settings)
