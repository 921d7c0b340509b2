"""convscope.geometry.arguments: a user's window settings, checked once, with PyTorch's meanings."""

from __future__ import annotations

from typing import Any

import pytest

from convscope.geometry import as_window, resolve_padding


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((5, 3), {"padding": "same", "stride": 2}, ValueError, r"padding='same' needs stride 1"),
        ((5, 3), {"padding": "full"}, ValueError, r"must be an int, a pair \(h, w\), 'valid' or 'same'"),
        ((5, 3), {"padding": "full", "ndim": 1}, ValueError, r"padding must be an int, 'valid' or 'same'"),
        ((5, 3), {"padding": "same", "named_padding": False}, TypeError, r"padding must be an integer"),
        ((5, (3, 2)), {"ndim": 1}, TypeError, r"kernel_size must be an integer"),
        ((5, 0), {}, ValueError, r"kernel_size must be >= 1, got 0"),
        ((5, 3), {"stride": (1, 0)}, ValueError, r"stride\[1\] must be >= 1, got 0"),
        ((5, 3), {"dilation": 9, "maximum": 8}, ValueError, r"dilation must be <= 8, got 9"),
    ],
)
def test_as_window_checks_its_arguments(
    args: tuple[Any, ...], kwargs: dict[str, Any], error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        as_window(*args, **kwargs)


def test_as_window_resolves_named_padding() -> None:
    assert as_window((5, 6), (4, 3), padding="same").padding == ((1, 2), (1, 1))
    assert as_window(5, 3, padding="valid", ndim=1).padding == ((0, 0),)
    assert resolve_padding((1, 2), (3, 3), (1, 1), (1, 1)) == ((1, 1), (2, 2))
    assert as_window(28, 5, padding="same").output_size == (28, 28)
