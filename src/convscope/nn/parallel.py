"""One training step on every core: the batch split into shards that run at once, gradients summed.

Shard 0 runs on the calling thread, on the model itself; the other shards run in *worker processes*
(``convscope.nn.shard_pool``), each with its own Python and its own GIL, fed through shared memory
(``shard_remote``). Threads in one process would share one GIL, and a LeNet shard spends enough of its
time in Python between NumPy's kernels that a second thread mostly waits for it. With more shards than
cores, each process runs a contiguous run of shards in turn (``shard_groups``).

Where no worker process can start (a browser's Python has no ``subprocess``), or the network cannot be
sent to one (a layer class that cannot be pickled), the shards run in threads instead, each on a replica
of the network (``convscope.nn.shards``). A batch too small for two shards (``MIN_SHARD`` images each)
runs on the calling thread alone.

The batch mean's gradient is the sum over shards of each shard's gradient of its summed loss divided by
the whole batch size, so the shard gradients are simply added, in shard order, on the calling thread.
The result equals the one-shard step up to float rounding, and is bit-identical from run to run for the
same shard count, in processes or threads alike: the split, the per-shard arithmetic (one BLAS thread,
single-threaded ops) and the order of the sum are all fixed.

BLAS runs one thread per shard: while a ``ShardedStep`` with more than one shard is open it limits
NumPy's BLAS in this process to one thread (``threadpoolctl``; the previous setting comes back on
``close``), and workers start with one, because BLAS's own threads would fight the shards for the cores.
"""

from __future__ import annotations

import itertools
import pickle
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType

import numpy as np
from threadpoolctl import threadpool_limits

from convscope._validate import check_int
from convscope.nn import shard_pool
from convscope.nn.layers import FloatArray
from convscope.nn.model import Sequential
from convscope.nn.optim import Optimizer
from convscope.nn.shard_pool import WorkerError, close_workers
from convscope.nn.shard_remote import RemoteShards, replicas_per_worker, without_arrays, worker_rows
from convscope.nn.shards import MIN_SHARD, check_gradients, replica, shard_bounds, shard_step, training_order
from convscope.ops.threads import available_cores

__all__ = [
    "MIN_SHARD",
    "ShardedStep",
    "WorkerError",
    "close_workers",
    "replica",
    "shard_bounds",
    "shard_groups",
    "shard_step",
    "training_order",
]

Results = dict[int, tuple[tuple[float, int], list[FloatArray]]]  # shard -> ((loss share, hits), grads)


def shard_groups(count: int, executors: int) -> list[list[int]]:
    """Which of ``count`` shards each of ``executors`` runs: contiguous runs, the calling thread's first.

    The calling thread's run is never the longer one: it also sums the grads and steps the optimiser.

    Examples
    --------
    >>> shard_groups(2, 2), shard_groups(3, 2), shard_groups(2, 4)
    ([[0], [1]], [[0], [1, 2]], [[0], [1]])
    """
    used = min(count, executors)
    edges = [e * count // used for e in range(used + 1)]
    return [list(range(a, b)) for a, b in itertools.pairwise(edges)]


class ShardedStep:
    """Forward, backward and one optimiser update of a batch, its shards run at once.

    Parameters
    ----------
    net : the network to train (its parameters are the optimiser's)
    optimizer : updates ``net``'s parameters from their summed grads
    shards : most shards a batch is split into; 1 runs the plain step on the calling thread
    processes : run the shards beyond the calling thread's in worker processes (the default; threads
        where none can start); False runs them in threads. Either gives the same bits.

    Examples
    --------
    >>> from convscope.nn import lenet
    >>> from convscope.nn.optim import SGD
    >>> model = lenet(rng=np.random.default_rng(0))[:-1]
    >>> x, y = np.zeros((32, 1, 32, 32), dtype=np.float32), np.arange(32) % 10
    >>> with ShardedStep(model, SGD(model.parameters().values(), lr=0.1), shards=2) as step:
    ...     loss, hits = step(x, y)
    >>> round(loss, 1)
    2.3
    """

    def __init__(self, net: Sequential, optimizer: Optimizer, shards: int, *, processes: bool = True) -> None:
        self.shards = check_int(shards, "shards", minimum=1)
        self.optimizer = optimizer
        self._replicas = [training_order(net)]  # more are made as shards need them
        self._pool: ThreadPoolExecutor | None = None
        self._remote: RemoteShards | None = None
        self._lease: tuple[list[shard_pool.Worker], int] | None = None
        self._use_processes = processes and self.shards > 1
        self._limits = threadpool_limits(limits=1, user_api="blas") if self.shards > 1 else None

    @property
    def worker_pids(self) -> list[int]:
        """The worker processes running this step's shards (none before a split batch, or in threads)."""
        return [] if self._remote is None else [w.pid for w in self._remote.workers]

    def __call__(self, x: FloatArray, y: np.ndarray, loss: str = "cross_entropy") -> tuple[float, int]:
        """Train on batch x (N, C, H, W) with labels y (N,); returns (mean loss, number classified right)."""
        y = np.asarray(y)
        bounds = shard_bounds(len(y), self.shards)
        remote = self._workers(x, y, bounds) if len(bounds) > 1 else None
        if remote is not None:
            results = self._in_processes(remote, x, y, loss, bounds)
        else:
            results = self._in_threads(x, y, loss, bounds)
        totals = list(self._replicas[0].parameters().values())
        value, hits = results[0][0]
        with np.errstate(over="ignore"):  # finite shards can overflow in their sum: named below
            for i in range(1, len(bounds)):
                (shard_value, shard_hits), grads = results[i]
                value, hits = value + shard_value, hits + shard_hits
                for total, part in zip(totals, grads, strict=True):
                    np.add(total.grad, part, out=total.grad)
        if len(bounds) > 1:
            check_gradients(self._replicas[0])  # before the optimiser: the weights stay as they were
        self.optimizer.step()
        return value, hits

    def _local(
        self, i: int, x: FloatArray, y: np.ndarray, loss: str, bounds: list[tuple[int, int]]
    ) -> Results:
        """Shard ``i`` on this process's replica ``i`` (made on first use), with its grads."""
        while len(self._replicas) <= i:
            self._replicas.append(replica(self._replicas[0]))
        a, b = bounds[i]
        result = shard_step(self._replicas[i], x[a:b], y[a:b], loss, len(y))
        return {i: (result, [p.grad for p in self._replicas[i].parameters().values()])}

    def _in_threads(self, x: FloatArray, y: np.ndarray, loss: str, bounds: list[tuple[int, int]]) -> Results:
        """Shard 0 on the calling thread, each other shard in a thread of its own."""
        if len(bounds) > 1 and self._pool is None:
            self._pool = ThreadPoolExecutor(self.shards - 1)
        futures: list[Future[Results]] = [
            self._pool.submit(self._local, i, x, y, loss, bounds) for i in range(1, len(bounds)) if self._pool
        ]
        try:
            results = self._local(0, x, y, loss, bounds)
        finally:
            for future in futures:
                future.exception()  # every shard has stopped writing before anything is returned or raised
        for future in futures:
            results.update(future.result())
        return results

    def _in_processes(
        self, remote: RemoteShards, x: FloatArray, y: np.ndarray, loss: str, bounds: list[tuple[int, int]]
    ) -> Results:
        """The calling thread's group of shards here, the other groups in the workers meanwhile."""
        groups = shard_groups(len(bounds), len(remote.workers) + 1)
        remote.start(x, y, loss, bounds, groups[1:])
        results: Results = {}
        try:
            for i in groups[0]:
                results.update(self._local(i, x, y, loss, bounds))
        finally:
            results.update(remote.finish(len(bounds)))
        return results

    def _workers(self, x: FloatArray, y: np.ndarray, bounds: list[tuple[int, int]]) -> RemoteShards | None:
        """Workers for ``count`` shards, borrowed on the first split batch; None where shards run in threads.

        One fewer than the cores at most (this thread runs shards too), nor more than this batch needs:
        a larger batch later runs more shards on each.
        """
        if self._remote is not None and not self._remote.usable:  # a worker died, or a step was cut short
            self._give_back(self._remote)
            self._remote, self._use_processes = None, True
        if self._remote is None and self._use_processes:
            self._use_processes = False  # one try: if it fails, threads from now on
            self._remote = self._borrow(x, y, bounds, min(len(bounds) - 1, max(1, available_cores() - 1)))
        return self._remote

    def _borrow(
        self, x: FloatArray, y: np.ndarray, bounds: list[tuple[int, int]], count: int
    ) -> RemoteShards | None:
        """``count`` workers holding the network, ready for batches like ``x``; None if that cannot be."""
        try:
            network = pickle.dumps(without_arrays(self._replicas[0]), protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            return None  # a network that cannot travel (a layer class defined in a function): threads
        for _ in range(2):  # a worker that died while idle shows here: once more, with new ones
            try:
                workers, generation = shard_pool.acquire(count)
            except OSError:
                return None  # no processes here: threads
            replicas = replicas_per_worker(self.shards, count + 1)
            remote = RemoteShards(self._replicas[0], network, workers, replicas)
            self._lease = (workers, generation)
            try:
                remote.setup(worker_rows(bounds, shard_groups(len(bounds), count + 1)[1:]), x, y)
            except (OSError, WorkerError):
                self._give_back(remote)
                if not remote.broken:
                    return None  # a worker could not take the network (a layer it cannot import): threads
                continue
            except BaseException:  # Ctrl-C: the workers go back (or, owing a reply, are closed)
                self._give_back(remote)
                raise
            return remote
        return None

    def _give_back(self, remote: RemoteShards) -> None:
        remote.close()
        if self._lease is not None:
            workers, generation = self._lease
            self._lease = None
            if remote.broken:
                shard_pool.close(workers)
            else:
                shard_pool.release(workers, generation)

    def close(self) -> None:
        """Give the workers back (or stop the threads), and give BLAS back its previous thread count."""
        if self._remote is not None:
            remote, self._remote = self._remote, None
            self._give_back(remote)
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        if self._limits is not None:
            self._limits.restore_original_limits()
            self._limits = None

    def __enter__(self) -> ShardedStep:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
