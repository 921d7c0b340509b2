"""The bundled digits: what the file holds, the read-only cache, and the errors for bad numbers/indices."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from convscope.data import Digits, count, digit, load_digits

# MNIST's first 10,000 training labels, counted per class (a property of MNIST, not of our code).
MNIST_FIRST_10K_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
# Printed by scripts/build_mnist.py and recorded in NOTICE.md.
ARRAYS_SHA256 = "bc6b63550c8a82f6ecccd9458252069fb030ee802997b8242e71d5146b0cbf0e"


def test_bundle_holds_the_expected_arrays() -> None:
    digits = load_digits()
    assert digits.images.shape == (10_000, 28, 28)
    assert digits.images.dtype == np.uint8
    assert digits.labels.shape == (10_000,)
    assert digits.labels.dtype == np.uint8
    assert len(digits) == 10_000
    digest = hashlib.sha256(digits.images.tobytes() + digits.labels.tobytes()).hexdigest()
    assert digest == ARRAYS_SHA256


def test_bundle_is_grouped_by_class_in_mnist_proportions() -> None:
    labels = load_digits().labels
    assert np.all(np.diff(labels.astype(int)) >= 0)
    assert np.bincount(labels).tolist() == MNIST_FIRST_10K_COUNTS
    assert [count(n) for n in range(10)] == MNIST_FIRST_10K_COUNTS


def test_images_look_like_mnist() -> None:
    images = load_digits().images
    assert images.min() == 0
    assert images.max() == 255
    # MNIST leaves a border: every digit's ink fits a 20x20 box, so no image is ink everywhere.
    assert np.all(images[:, 0, :].sum(axis=1) < images.sum(axis=(1, 2)))


def test_load_is_cached_and_read_only() -> None:
    first = load_digits()
    assert load_digits() is first
    with pytest.raises(ValueError, match="read-only"):
        first.images[0, 0, 0] = 1
    with pytest.raises(ValueError, match="read-only"):
        first.labels[0] = 3


def test_digit_returns_a_writable_copy_of_the_right_image() -> None:
    digits = load_digits()
    image = digit(3, index=5)
    expected = digits.images[np.flatnonzero(digits.labels == 3)[5]]
    np.testing.assert_array_equal(image, expected)
    image[:] = 0  # the caller's copy; the cache is untouched
    assert digits.images[np.flatnonzero(digits.labels == 3)[5]].any()


def test_digit_index_bounds() -> None:
    last = digit(9, index=count(9) - 1)
    assert last.shape == (28, 28)
    np.testing.assert_array_equal(last, load_digits().images[-1])


@pytest.mark.parametrize("number", [-1, 10, 42])
def test_number_outside_0_to_9_names_the_range(number: int) -> None:
    with pytest.raises(ValueError, match=rf"number must be a digit from 0 to 9, got {number}"):
        digit(number)
    with pytest.raises(ValueError, match="from 0 to 9"):
        count(number)


@pytest.mark.parametrize("index", [-1, 1001, 5000])
def test_index_out_of_range_names_the_range(index: int) -> None:
    with pytest.raises(ValueError, match=rf"between 0 and 1000 for the digit 0 \(1001 images\), got {index}"):
        digit(0, index)


@pytest.mark.parametrize(("number", "index"), [(1.0, 0), ("1", 0), (True, 0), (1, 0.5), (1, None)])
def test_non_integer_arguments_are_type_errors(number: object, index: object) -> None:
    with pytest.raises(TypeError, match="must be an integer"):
        digit(number, index)  # type: ignore[arg-type]


def test_digits_checks_shapes() -> None:
    with pytest.raises(ValueError, match=r"images must be \(N, H, W\) and labels \(N,\)"):
        Digits(images=np.zeros((3, 28, 28), np.uint8), labels=np.zeros(2, np.uint8))
