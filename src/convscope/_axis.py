"""The convolution rule along one axis, in plain ints, shared by the arithmetic and its suggestions."""

from __future__ import annotations


def effective_kernel(kernel: int, dilation: int) -> int:
    """Span of a dilated kernel: ``dilation * (kernel - 1) + 1``."""
    return dilation * (kernel - 1) + 1


def numerator(size: int, kernel: int, padding: int, dilation: int) -> int:
    """``W + 2P - K_eff``: how far the window can slide; negative when it does not fit."""
    return size + 2 * padding - effective_kernel(kernel, dilation)


def is_valid(size: int, kernel: int, padding: int, stride: int, dilation: int) -> bool:
    """The taught rule: the window fits and its slides tile the padded input exactly."""
    # Check the sign first: Python's -2 % 2 == 0 would otherwise call a too-large kernel valid.
    n = numerator(size, kernel, padding, dilation)
    return n >= 0 and n % stride == 0


def floor_output(size: int, kernel: int, padding: int, stride: int, dilation: int) -> int | None:
    """PyTorch's output length ``floor(n / S) + 1``, or ``None`` when the window does not fit."""
    n = numerator(size, kernel, padding, dilation)
    return None if n < 0 else n // stride + 1


def dropped(size: int, kernel: int, padding: int, stride: int, dilation: int) -> list[int]:
    """Padded coordinates past the last window: what flooring throws away (``n % S`` of them)."""
    out = floor_output(size, kernel, padding, stride, dilation)
    if out is None:
        return []
    end = (out - 1) * stride + effective_kernel(kernel, dilation)  # one past the last window's last tap
    return list(range(end, size + 2 * padding))


def misfit_message(axis: str, size: int, kernel: int, padding: int, dilation: int) -> str:
    """Say that the kernel does not fit the padded input along ``axis``, with the numbers and the fixes."""
    span = effective_kernel(kernel, dilation)
    dilated = f" (dilation {dilation}: {dilation}×({kernel} - 1) + 1 = {span})" if dilation > 1 else ""
    need = -(-(span - size) // 2)  # ceil: padding goes on both sides
    largest = (size + 2 * padding - 1) // dilation + 1
    return (
        f"kernel_size {kernel} does not fit the input along the {axis}: the padded input is "
        f"{size} + 2×{padding} = {size + 2 * padding} but the kernel spans {span}{dilated}. "
        f"Use kernel_size <= {largest}, padding >= {need}, or a larger input."
    )
