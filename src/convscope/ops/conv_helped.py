"""The fast convolution's chunks shared with the helper process: the second half there, the first here.

`convscope.ops.conv_chunks` splits a batch into chunks by sizes alone, and works them in two blocks on
two threads where that pays. Where the helper process (`convscope.ops.helper`) is ready, the second block
goes there instead, and the helper works it with the same function a thread would
(`conv_chunks.forward_block`, `conv_chunks.gradient_block`). Its images of the inputs and of the results
are read and written where they lie when they are op results (in the memory the helper shares,
`Helper.share`, `Helper.target`); the caller's own arrays, the weights and the chunks' partial weight
gradients are copied over and back. The chunks, and so the bits, are the same whoever works them;
without the helper the threads (or this thread) work both blocks.

Chunk k of images [a, b) is, in the helper's copy, chunk k - k0 of images [a - i0, b - i0), where k0 and
i0 are its block's first chunk and first image: its arrays hold only its own block.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from convscope.ops.helper import Helper, borrowed
from convscope.ops.helper_memory import FullError, Shared
from convscope.ops.im2col import Array, ConvGeometry
from convscope.ops.workspace import thread_workspace

Chunk = tuple[slice, ConvGeometry]
Message = tuple[tuple[int, int, int, ConvGeometry], ...]  # the helper's chunks in a message (`_shifted`)
Block = Callable[[Sequence[tuple[int, Chunk]], int], None]
# The flipped convolution chunk by chunk (`conv_chunks._turned`): its kernels (by row, im2col) and chunks
Turned = tuple[Array | None, Array | None, tuple[ConvGeometry, ...]]
# What a block's preparation gives: the helper's arguments, the caller's arrays its results go into, and
# where the helper writes each (with this side's view to copy from, or None where it writes in place).
Prepared = tuple[tuple[Any, ...], list[Array], list[tuple[Shared, Array | None]]]

# Below this many numbers of im2col columns (C_in/G*kH*kW * N*H_out*W_out) the copies and the hand-off
# cost more than half the work saves. LeNet's conv2 at 64 images has 960,000.
_MIN_NUMBERS = 2**18


def helped_forward(
    x: Array, by_row: Array | None, kernels: Array | None, bias: Array | None, out: Array,
    every: Sequence[tuple[int, Chunk]], block: Block, geom: ConvGeometry, check: bool = False,
) -> bool:
    """Work `conv_chunks.forward`'s chunks here and in the helper; False (nothing done) without one.

    ``check``: each chunk's x first (`convscope._validate.check_chunk`); the helper fails a task that
    meets a NaN, and this thread, working its half instead, raises.
    """

    def prepare(helper: Helper, chunks: Message, k0: int, i0: int, i1: int) -> Prepared:
        shared_x = helper.share(x[i0:i1])  # first, as in the backward: see `_shared`
        shared_bias = None if bias is None else helper.share(bias)
        inputs = (shared_x, *(None if a is None else helper.share(a) for a in (by_row, kernels)), shared_bias)
        targets = [out[i0:i1]]
        results = [helper.target(t) for t in targets]
        return (*inputs, results[0][0], chunks, check), targets, results

    return _shared(every, block, geom, forward_part, prepare)


def helped_gradients(
    grad: Array, x: Array | None, weight: Array, grad_weight: Array | None, grad_bias: Array | None,
    grad_x: Array | None, every: Sequence[tuple[int, Chunk]], block: Block, geom: ConvGeometry,
    turned: Turned | None = None, check: bool = False,
) -> bool:
    """Work `conv_chunks.gradients`' chunks here and in the helper; False (nothing done) without one.

    ``turned``: grad_x is the flipped convolution's, chunk by chunk (`conv_chunks._turned`); ``check``:
    each chunk's grad and x first, as in `helped_forward`.
    """

    def prepare(helper: Helper, chunks: Message, k0: int, i0: int, i1: int) -> Prepared:
        shared_x = None if x is None else helper.share(x[i0:i1])  # first, as in the forward: see `_shared`
        inputs = (helper.share(grad[i0:i1]), shared_x, helper.share(weight))
        asked = [a for a in (grad_weight, grad_bias) if a is not None]
        targets = [a[k0:] for a in asked] + ([] if grad_x is None else [grad_x[i0:i1]])
        results = [helper.target(t) for t in targets]
        places = iter(where for where, _ in results)
        outputs = tuple(None if a is None else next(places) for a in (grad_weight, grad_bias, grad_x))
        theirs = None
        if turned is not None:  # the flipped kernels, and the helper's chunks' geometries numbered from 0
            by_row, kernels, geometries = turned
            theirs = (*(None if a is None else helper.share(a) for a in (by_row, kernels)), geometries[k0:])
        return (*inputs, *outputs, chunks, theirs, check), targets, results

    return _shared(every, block, geom, gradients_part, prepare)


def _shared(
    every: Sequence[tuple[int, Chunk]], block: Block, geom: ConvGeometry, function: Callable[..., None],
    prepare: Callable[[Helper, Message, int, int, int], Prepared],
) -> bool:
    """The second block of ``every`` by ``function`` in the helper, the first by ``block`` here.

    ``prepare(helper, chunks, k0, i0, i1)`` places the helper's arrays (chunks numbered within them) and
    gives the arguments, the caller's arrays its results go into, and where the helper writes them. Both
    place x first, so that a copy of the caller's own x lies in the same place for a forward and its
    backward: the helper then hands the backward the array the forward built its columns from, and its
    workspace serves them again once their bits check out (as this thread's does for the caller's x).
    False, with nothing done, where the work is too small, no helper is free, or its memory is full.
    """
    plan = _plan(geom)
    if plan is None:
        return False
    with borrowed() as helper:
        if helper is None:
            return False
        cut, message, k0, (i0, i1) = plan
        try:
            arguments, targets, results = prepare(helper, message, k0, i0, i1)
        except FullError:
            return False
        mine, theirs = every[:cut], every[cut:]
        if helper.run(function, arguments, lambda: block(mine, 0), lambda: block(theirs, 1)):
            _copy_back(targets, results)
    return True


@functools.lru_cache(maxsize=32)
def _plan(geom: ConvGeometry) -> tuple[int, Message, int, tuple[int, int]] | None:
    """How `_shared` splits this convolution's chunks, worked out once per geometry (a training loop
    meets the same few): the first chunk of the helper's block, its chunks as a message holds them
    (`_shifted`), the first of them, and its images [i0, i1). None where the helper does not pay."""
    every = geom.numbered_chunks
    if not _pays(every, geom):
        return None
    _, theirs, k0, images = _halves(every)
    return len(every) - len(theirs), _shifted(theirs, k0, images[0]), k0, images


def forward_part(
    x: Array, by_row: Array | None, kernels: Array | None, bias: Array | None, out: Array,
    chunks: Message, check: bool = False,
) -> None:
    """In the helper: `conv_chunks.forward_block` on its copies (chunks numbered within them)."""
    from convscope.ops.conv_chunks import forward_block  # which imports this module

    forward_block(x, by_row, kernels, bias, out, _unpacked(chunks), thread_workspace(), check)


def gradients_part(
    grad: Array, x: Array | None, weight: Array, grad_weight: Array | None, grad_bias: Array | None,
    grad_x: Array | None, chunks: Message, turned: Turned | None = None, check: bool = False,
) -> None:
    """In the helper: `conv_chunks.gradient_block` on its copies (chunks numbered within them)."""
    from convscope.ops.conv_chunks import gradient_block  # which imports this module

    gradient_block(
        grad, x, weight, grad_weight, grad_bias, grad_x, _unpacked(chunks), thread_workspace(), turned, check
    )


def _pays(every: Sequence[tuple[int, Chunk]], geom: ConvGeometry) -> bool:
    """Two chunks at least, and enough work for the hand-off to pay (`_MIN_NUMBERS`)."""
    kh, kw = geom.kernel_size
    (oh, ow), inner = geom.output_size, geom.in_channels // geom.groups * kh * kw
    numbers = inner * geom.batch * oh * ow
    return len(every) >= 2 and numbers >= _MIN_NUMBERS


def _halves(
    every: Sequence[tuple[int, Chunk]],
) -> tuple[Sequence[tuple[int, Chunk]], Sequence[tuple[int, Chunk]], int, tuple[int, int]]:
    """This thread's block and the helper's (as `threads.run_blocks` splits for two), the helper's first
    chunk number, and its images [i0, i1)."""
    cut = len(every) // 2
    mine, theirs = every[:cut], every[cut:]
    return mine, theirs, theirs[0][0], (theirs[0][1][0].start, theirs[-1][1][0].stop)


def _copy_back(targets: list[Array], results: list[tuple[Shared, Array | None]]) -> None:
    """The helper's results into ``targets``, where it did not write them there itself."""
    for target, (_, view) in zip(targets, results, strict=True):
        if view is not None:
            target[...] = view


def _shifted(chunks: Sequence[tuple[int, Chunk]], k0: int, i0: int) -> Message:
    """The helper's chunks numbered from 0, their images counted from i0, as (k, start, stop, geometry):
    hashable (a slice is not, before Python 3.12), so that `Helper.post` pickles a repeated task once."""
    return tuple((k - k0, images.start - i0, images.stop - i0, chunk) for k, (images, chunk) in chunks)


def _unpacked(message: Message) -> list[tuple[int, Chunk]]:
    """`_shifted`'s chunks as the chunk functions take them: (k, (images, geometry))."""
    return [(k, (slice(start, stop), chunk)) for k, start, stop, chunk in message]
