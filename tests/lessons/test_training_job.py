"""The live training job: slow mode's pacing (on a fake clock), the per-batch numbers the curves draw,
and one held-out accuracy for a stopped job's model."""

from __future__ import annotations

import pytest

from convscope.lessons.network import held_out_accuracy
from convscope.lessons.training_job import TrainingJob
from convscope.recipe import Recipe
from convscope.train import TrainConfig


def tiny(train_size: int = 100, epochs: int = 1) -> Recipe:
    return Recipe(train_size=train_size, fit=TrainConfig(epochs=epochs, batch_size=32, augment=0))


def test_slow_mode_sleeps_one_slot_per_step_and_publishes_every_batch() -> None:
    now, sleeps = [0.0], []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    job = TrainingJob(tiny(epochs=2), "slow", steps_per_second=4.0, clock=lambda: now[0], sleep=sleep)
    job.start()
    assert job.wait(60)
    assert job.state == "done"
    assert len(sleeps) == 8  # 4 batches a epoch, 2 epochs: one wait after each step
    assert now[0] == pytest.approx(8 / 4.0)  # steps that took no (fake) time: 8 steps at 4 a second
    progress = [e for e in job.events_since(0) if e["type"] == "progress"]
    assert [e["batch"] for e in progress] == [1, 2, 3, 4] * 2  # every batch, to be watched
    assert all("conv1_filters" in e for e in progress)


def test_full_speed_does_not_wait_and_publishes_every_few_batches() -> None:
    job = TrainingJob(tiny(), "fast", progress_every=2, sleep=lambda s: pytest.fail("slept at full speed"))
    job.start()
    assert job.wait(60)
    assert job.pacer.steps == 0
    assert [e["batch"] for e in job.events_since(0) if e["type"] == "progress"] == [2, 4]


def test_events_carry_each_batchs_size_and_a_size_weighted_average() -> None:
    job = TrainingJob(tiny(), "sizes", progress_every=1)
    job.start()
    assert job.wait(60)
    progress = [e for e in job.events_since(0) if e["type"] == "progress"]
    assert [e["images"] for e in progress] == [32, 32, 32, 4]  # 100 digits: the last batch is short
    first = progress[0]
    assert first["smooth_loss"] == first["loss"]  # the first batch sets the average
    last = progress[-1]
    assert last["smooth_accuracy"] is not None
    assert last["loss"] is not None
    # The short batch moves the average by 1 - 0.9 ** (4 / 32) of the way: about 1.3%.
    before = progress[-2]["smooth_loss"]
    assert before is not None
    assert last["smooth_loss"] == pytest.approx(before + (1 - 0.9 ** (4 / 32)) * (last["loss"] - before))


def test_a_stopped_job_reports_the_accuracy_of_the_weights_it_stopped_with() -> None:
    job = TrainingJob(tiny(train_size=320, epochs=20), "stopped", progress_every=1)
    job.start()
    while not any(e["type"] == "epoch" for e in job.events_since(0)):
        assert not job.wait(0.01), "the job ended before it could be stopped"
    job.stop()  # at least one batch of epoch two has run by the time fit asks whether to stop
    assert job.wait(60)
    end = job.events_since(0)[-1]
    assert end["type"] == "stopped"
    assert end["reason"] == "you pressed Stop"
    epoch_one = next(e for e in job.events_since(0) if e["type"] == "epoch")
    assert end["accuracy"] == held_out_accuracy(job.model)  # the model as it stopped, in epoch two
    assert end["accuracy"] != epoch_one["val_accuracy"]  # not the older weights' figure
