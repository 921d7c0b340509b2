"""Code that reproduces a Training page run: the recipe with convscope's ``fit``, or a LeNet in torch.nn.

Both scripts build the run the page builds (`convscope.recipe.prepare`: the same digits, the same initial
weights from the seed's init stream, the same shuffles and shifts from its fit stream), so the PyTorch one
starts from convscope's initial weights and feeds the same batches: their losses agree step by step up
to float32 rounding. ``--steps N`` stops after N batches (a quick check; the tests use it).
"""

from __future__ import annotations

from convscope.errors import SettingError
from convscope.export.network_code import TORCH_LENET
from convscope.export.snippets import FRAMEWORKS, Framework
from convscope.recipe import Recipe, RecipeSettings

_ARGS = '''
parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--steps", type=int, default=None,
                    help="stop after this many batches (a quick check); default: the whole run")
args = parser.parse_args()
'''

_RECIPE = '''
recipe = Recipe(
    conv1_channels={conv1_channels}, conv2_channels={conv2_channels}, kernel_size={kernel_size},
    train_size={train_size},  # digits of the fixed training split, evenly spaced through it
    fit=TrainConfig(epochs={epochs}, batch_size={batch_size}, lr={lr!r}, optimizer={optimizer!r},
                    loss={loss!r}, augment={augment}, seed={seed}),
)
run = prepare(recipe)  # a fresh LeNet from the seed's init stream, the digits, the fit stream
config = run.config
'''


def training_code(settings: RecipeSettings, framework: Framework = "numpy") -> str:
    """A script training the recipe ``settings`` with convscope's ``fit`` or with PyTorch.

    Examples
    --------
    >>> settings = Recipe().to_dict()
    >>> "history = fit(run.model, config, run.train_x, run.train_y" in training_code(settings)
    True
    >>> "torch.optim.Adam(model.parameters(), lr=config.lr" in training_code(settings, "torch")
    True
    """
    if framework not in FRAMEWORKS:
        raise SettingError("framework", f"must be one of {', '.join(FRAMEWORKS)}, got {framework!r}")
    try:
        Recipe.from_dict(settings)  # the recipe's own checks, before a script is written
    except (TypeError, ValueError) as err:
        raise SettingError("recipe", str(err)) from None
    flavour = "convscope's fit" if framework == "numpy" else "PyTorch (torch.nn)"
    header = (f'"""Train convscope\'s Training page recipe with {flavour}.\n\n'
              "Run it as it is for the whole run, or with --steps 20 for a quick look.\n\"\"\"\n\n")
    recipe = _RECIPE.format(**settings)
    body = _NUMPY if framework == "numpy" else _TORCH.replace("LENET", TORCH_LENET.strip("\n") + "\n")
    return header + body.replace("RECIPE", recipe.strip("\n")).replace("ARGS", _ARGS.strip("\n"))


_NUMPY = '''import argparse

from convscope.recipe import Recipe, prepare
from convscope.train import TrainConfig, evaluate, fit

ARGS

RECIPE
losses = []  # each batch's mean loss, as the page's pale curve


def report(progress):
    """fit calls this after every batch and every epoch."""
    if progress.kind == "batch":
        losses.append(progress.loss)
    else:
        held = f", held-out accuracy {progress.val_accuracy:.1%}" if progress.val_accuracy is not None else ""
        print(f"epoch {progress.epoch}: loss {progress.loss:.4f}, accuracy {progress.accuracy:.1%}{held}")


history = fit(run.model, config, run.train_x, run.train_y, run.held_out_x, run.held_out_y,
              callback=report, should_stop=lambda: args.steps is not None and len(losses) >= args.steps,
              rng=run.rng)
final = evaluate(run.model, run.held_out_x, run.held_out_y)
print(f"{len(losses)} steps, last loss {losses[-1]:.4f}; held-out accuracy {final.accuracy:.2%}")
'''

_TORCH = '''import argparse
import math
from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import nn

from convscope.augment import random_shift
from convscope.recipe import Recipe, prepare
from convscope.train import TrainConfig

ARGS

LENET
RECIPE
model = lenet(recipe.conv1_channels, recipe.conv2_channels, recipe.kernel_size)
# Start from convscope's initial weights (same names, same layouts): the two runs compare step by step.
model.load_state_dict({name: torch.from_numpy(p.data.copy()) for name, p in run.model.parameters().items()})
if config.optimizer == "sgd":
    optimizer = torch.optim.SGD(model.parameters(), lr=config.lr, momentum=config.momentum,
                                weight_decay=config.weight_decay)
else:
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)


def loss_of(logits, target):
    if config.loss == "cross_entropy":
        return F.cross_entropy(logits, target)
    # Half squared error on the probabilities, summed over classes, averaged over the batch.
    return 0.5 * ((F.softmax(logits, dim=1) - F.one_hot(target, 10)) ** 2).sum() / len(target)


x_all, y_all = run.train_x, torch.from_numpy(run.train_y)
batches = math.ceil(len(x_all) / config.batch_size)
losses = []
for epoch in range(config.epochs):
    order = run.rng.permutation(len(x_all))  # the same shuffles and shifts as convscope's fit
    for b in range(batches):
        idx = order[b * config.batch_size:(b + 1) * config.batch_size]
        x = random_shift(x_all[idx], config.augment, run.rng) if config.augment else x_all[idx]
        step = epoch * batches + b
        if config.lr_schedule == "cosine":  # CosineAnnealingLR, one step per batch
            for group in optimizer.param_groups:
                group["lr"] = config.lr * 0.5 * (1 + math.cos(math.pi * step / (config.epochs * batches)))
        loss = loss_of(model(torch.from_numpy(x)), y_all[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if args.steps is not None and len(losses) >= args.steps:
            break
    else:
        print(f"epoch {epoch + 1}: last batch loss {losses[-1]:.4f}")
        continue
    break

with torch.no_grad():
    logits = model(torch.from_numpy(run.held_out_x))
accuracy = (logits.argmax(dim=1).numpy() == run.held_out_y).mean()
print(f"{len(losses)} steps, last loss {losses[-1]:.4f}; held-out accuracy {accuracy:.2%}")
'''
