"""convscope.arithmetic against PyTorch's shapes, the cases learners meet, and the explanation's promises."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from torch.nn import functional

from convscope.arithmetic import (
    conv_transpose_output_size,
    explain_convolution,
    output_size,
    same_padding,
    valid_convolution,
)


def torch_conv_size(size, kernel, padding=0, stride=1, dilation=1) -> tuple[int, int] | None:
    """The (H, W) torch gives for a 1-channel convolution, or None where torch refuses."""
    h, w = (size, size) if isinstance(size, int) else size
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    try:
        out = functional.conv2d(
            torch.zeros(1, 1, h, w), torch.zeros(1, 1, kh, kw), None, stride, padding, dilation
        )
    except RuntimeError:
        return None
    return (out.shape[2], out.shape[3])


@pytest.mark.parametrize(
    ("size", "kernel", "padding", "stride", "expected", "valid"),
    [
        (7, 3, 0, 1, 5, True),
        (7, 3, 0, 2, 3, True),
        (7, 3, 0, 3, 2, False),  # (7 - 3)/3 + 1 = 2.33
        (32, 5, 0, 1, 28, True),  # LeNet's first layer
        (32, 5, 2, 1, 32, True),  # padding 2 keeps 32x32
        (20, 3, 0, 2, 9, False),  # 9.5, floored
    ],
)
def test_the_cases_learners_meet(size, kernel, padding, stride, expected, valid) -> None:
    assert output_size(size, kernel, padding, stride) == expected
    assert valid_convolution(size, kernel, padding, stride) is valid
    assert torch_conv_size(size, kernel, padding, stride) == (expected, expected)


def test_channels_do_not_change_the_spatial_size() -> None:
    # a 32x32x3 image and a 5x5x3 kernel: the kernel spans every channel, so only H and W shrink
    out = functional.conv2d(torch.zeros(1, 3, 32, 32), torch.zeros(6, 3, 5, 5))
    assert tuple(out.shape[2:]) == output_size((32, 32), 5) == (28, 28)


def test_output_size_agrees_with_torch_for_a_20x20_digit() -> None:
    for kernel, padding, stride in itertools.product(range(1, 10), range(5), range(1, 5)):
        theirs = torch_conv_size(20, kernel, padding, stride)
        assert output_size(20, kernel, padding, stride) == theirs[0], (kernel, padding, stride)
        exact = (20 + 2 * padding - kernel) % stride == 0
        assert valid_convolution(20, kernel, padding, stride) is exact


def test_output_size_agrees_with_torch_with_dilation_and_refuses_where_torch_refuses() -> None:
    for size, kernel, padding, stride, dilation in itertools.product(
        range(1, 7), range(1, 6), range(3), range(1, 4), range(1, 4)
    ):
        theirs = torch_conv_size(size, kernel, padding, stride, dilation)
        if theirs is None:
            with pytest.raises(ValueError, match="does not fit"):
                output_size(size, kernel, padding, stride, dilation)
            assert not valid_convolution(size, kernel, padding, stride, dilation)
        else:
            assert output_size(size, kernel, padding, stride, dilation) == theirs[0]


def test_rectangular_settings_agree_with_torch(rng: np.random.Generator) -> None:
    for _ in range(40):
        size, kernel = tuple(rng.integers(4, 30, 2)), tuple(rng.integers(1, 5, 2))
        padding, stride, dilation = (tuple(rng.integers(lo, hi, 2)) for lo, hi in ((0, 3), (1, 4), (1, 3)))
        expected = torch_conv_size(size, kernel, padding, stride, dilation)
        if expected is None:
            continue
        assert output_size(size, kernel, padding, stride, dilation) == expected
        assert explain_convolution(size, kernel, padding, stride, dilation)["output_size"] == list(expected)


def test_a_kernel_larger_than_the_input_is_never_valid() -> None:
    # The naive one-liner is fooled by Python's remainder of a negative number.
    assert (3 + 2 * 0 - 5) % 2 == 0
    assert (3 + 2 * 0 - 5) % 1 == 0
    assert not valid_convolution(3, 5, padding=0, stride=2)
    assert not valid_convolution(3, 5, padding=0, stride=1)
    assert valid_convolution(3, 5, padding=1, stride=2)


def test_output_size_answers_in_the_shape_it_was_asked() -> None:
    assert output_size(7, 3) == 5
    assert output_size((7, 9), 3) == (5, 7)
    assert output_size(7, (3, 1), stride=(2, 1)) == (3, 7)


def test_a_kernel_that_does_not_fit_is_refused_with_the_numbers_and_the_fixes() -> None:
    with pytest.raises(
        ValueError,
        match=r"height: the padded input is 3 \+ 2×0 = 3 but the kernel spans 5\. "
        r"Use kernel_size <= 3, padding >= 1, or a larger input",
    ):
        output_size(3, 5)
    with pytest.raises(ValueError, match=r"spans 9 \(dilation 2: 2×\(5 - 1\) \+ 1 = 9\)"):
        output_size(8, 5, dilation=2)
    with pytest.raises(ValueError, match="along the width"):
        output_size((9, 3), 5)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"stride": 0}, ValueError, "stride must be >= 1, got 0"),
        ({"padding": -1}, ValueError, "padding must be >= 0, got -1"),
        ({"dilation": 0}, ValueError, "dilation must be >= 1"),
        ({"kernel_size": 2.5}, TypeError, "kernel_size must be an integer"),
        ({"input_size": (20, 20, 3)}, ValueError, "input_size must be an int or a pair"),
        ({"input_size": 0}, ValueError, "input_size must be >= 1"),
    ],
)
def test_bad_settings_name_the_argument(kwargs, error, words) -> None:
    settings = {"input_size": 20, "kernel_size": 3, "padding": 0, "stride": 1, "dilation": 1} | kwargs
    for function in (output_size, valid_convolution, explain_convolution):
        with pytest.raises(error, match=words):
            function(**settings)


def test_conv_transpose_output_size_agrees_with_torch() -> None:
    for size, kernel, stride, padding, extra, dilation in itertools.product(
        range(1, 5), range(1, 5), range(1, 4), range(3), range(3), range(1, 3)
    ):
        try:
            out = functional.conv_transpose2d(
                torch.zeros(1, 1, size, size),
                torch.zeros(1, 1, kernel, kernel),
                None,
                stride,
                padding,
                extra,
                1,
                dilation,
            )
        except RuntimeError:
            out = None
        if out is None or out.shape[2] == 0:  # torch returns an empty tensor for 0; we call that an error
            with pytest.raises(ValueError, match=r"output_padding|crops away the whole output"):
                conv_transpose_output_size(size, kernel, stride, padding, extra, dilation)
        else:
            assert conv_transpose_output_size(size, kernel, stride, padding, extra, dilation) == out.shape[2]


def test_conv_transpose_output_size_explains_its_refusals() -> None:
    with pytest.raises(
        ValueError, match=r"output_padding 2 along the height must be smaller than the stride \(2\)"
    ):
        conv_transpose_output_size(3, 3, stride=2, output_padding=2)
    with pytest.raises(ValueError, match=r"padding 2 crops away the whole output.*use padding <= 1"):
        conv_transpose_output_size(1, 3, padding=2)
    assert conv_transpose_output_size((3, 4), 3, stride=(2, 1)) == (7, 6)


# torch warns that an even kernel with odd dilation makes it copy the input; that is the case we test.
@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")
@pytest.mark.parametrize(
    ("kernel", "dilation"), [(1, 1), (2, 1), (3, 1), (4, 1), (5, 2), (4, 3), ((2, 5), (3, 1))]
)
def test_same_padding_reproduces_torch_padding_same(kernel, dilation, rng: np.random.Generator) -> None:
    x = torch.tensor(rng.standard_normal((1, 1, 11, 13)))
    w = torch.tensor(rng.standard_normal((1, 1, *((kernel, kernel) if isinstance(kernel, int) else kernel))))
    (top, bottom), (left, right) = same_padding(kernel, dilation)
    ours = functional.conv2d(functional.pad(x, (left, right, top, bottom)), w, dilation=dilation)
    theirs = functional.conv2d(x, w, padding="same", dilation=dilation)
    assert ours.shape == theirs.shape == x.shape
    torch.testing.assert_close(ours, theirs)


def test_same_padding_puts_the_odd_row_after() -> None:
    assert same_padding(4) == ((1, 2), (1, 2))
    assert same_padding((2, 3)) == ((0, 1), (1, 1))
    with pytest.raises(ValueError, match="kernel_size must be >= 1"):
        same_padding(0)
