"""The request metrics of one gunicorn worker, written into its files for under 2 µs a request.

prometheus_client's multiprocess values each take a lock, ask the kernel for the process id (to notice a
fork) and pack the value into the worker's mapped file: five writes a request, 7-9 µs. The series here
write the same file format (MmapedDict's layout and mmap_key's keys, so MultiProcessCollector and
app/metrics_merge.py read them unchanged) through a view of the mapped file as an array of doubles: one
addition in place per value, all of a request's under one lock. A fork is handled once, when it happens
(os.register_at_fork), rather than checked on every write.

The files are the worker's own, `<kind>_http_<pid>.db`, apart from the ones prometheus_client writes for any
other metric (two writers of one file would corrupt it); MultiProcessCollector sums a series over files.
A dead worker's in-flight gauge goes with `mark_process_dead` below, which gunicorn.conf.py calls next to
prometheus_client's.
tests/test_metrics_files.py holds the files equal, byte for byte, to prometheus_client's for the same requests.
"""

from __future__ import annotations

import glob
import mmap
import os
import struct
import threading
from bisect import bisect_left
from collections.abc import Sequence

from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.mmap_dict import mmap_key
from prometheus_client.utils import floatToGoString

#: prometheus_client's first size for a file; it doubles when full.
_FIRST_SIZE = 1 << 16
_USED = struct.Struct("i")
_INF = float("inf")

# One lock for every file of the process, as prometheus_client has. An addition in place is three steps
# (read, add, store) between which another thread of a gthread worker could run.
_lock = threading.Lock()


class _File:
    """One worker file: a 4-byte used size, 4 bytes of padding, then entries of a length, a key padded to
    8 bytes, a value and a timestamp (doubles)."""

    __slots__ = ("_handle", "_map", "_slots", "_used", "values")

    def __init__(self, path: str) -> None:
        self._handle = open(path, "a+b")  # noqa: SIM115 - mapped for the life of the process
        size = os.fstat(self._handle.fileno()).st_size
        if size == 0:
            self._handle.truncate(_FIRST_SIZE)
            size = _FIRST_SIZE
        self._map = mmap.mmap(self._handle.fileno(), size)
        #: the file as doubles: the value at byte offset p is values[p // 8]
        self.values = memoryview(self._map).cast("d")
        self._slots: dict[str, int] = {}
        self._used: int = _USED.unpack_from(self._map, 0)[0]
        if self._used == 0:
            self._used = 8
            _USED.pack_into(self._map, 0, self._used)

    def slot(self, key: str) -> int:
        """The index in `values` of the series `key`, added (valued 0) on first use."""
        found = self._slots.get(key)
        if found is not None:
            return found
        encoded = key.encode("utf-8")
        padded = encoded + b" " * (8 - (len(encoded) + 4) % 8)
        entry = struct.pack(f"i{len(padded)}sdd", len(encoded), padded, 0.0, 0.0)
        with _lock:
            # Looked up again under the lock: threads of a worker's first requests add the same series at once.
            found = self._slots.get(key)
            if found is not None:
                return found
            if self._used + len(entry) > len(self._map):
                self._grow(self._used + len(entry))
            self._map[self._used : self._used + len(entry)] = entry
            self._used += len(entry)
            # Readers parse up to `used`: it moves only once the entry is whole.
            _USED.pack_into(self._map, 0, self._used)
            index = self._slots[key] = (self._used - 16) // 8
        return index

    def _grow(self, needed: int) -> None:
        size = len(self._map)
        while size < needed:
            size *= 2
        self._handle.truncate(size)
        self.values.release()
        self._map.close()
        self._map = mmap.mmap(self._handle.fileno(), size)
        self.values = memoryview(self._map).cast("d")


class RequestFiles:
    """This worker's files of the four request metrics, and the series of each method and route in them.

    `requests` and `errors` are labelled by method and route (and `requests` by status), `in_progress`
    (multiprocess mode `livesum`) and `latency` by method and route: the metrics app/metrics.py declares.
    """

    def __init__(
        self,
        directory: str,
        *,
        requests: Counter,
        errors: Counter,
        in_progress: Gauge,
        latency: Histogram,
        buckets: Sequence[float],
    ) -> None:
        self._directory = directory
        self._pid = -1
        self._files: dict[str, _File] = {}
        self.requests, self.errors = _family(requests), _family(errors)
        self.in_progress, self.latency = _family(in_progress), _family(latency)
        self.bounds = list(buckets)
        if self.bounds[-1] != _INF:  # prometheus_client adds the +Inf bucket the same way
            self.bounds.append(_INF)

    def file(self, kind: str) -> _File:
        # Under the lock: two writers of one file (threads of a worker's first requests) would corrupt it.
        with _lock:
            pid = os.getpid()
            if pid != self._pid:  # first use, or in a forked child: files named by this process
                self._pid = pid
                self._files = {}
            found = self._files.get(kind)
            if found is None:
                found = self._files[kind] = _File(os.path.join(self._directory, f"{kind}_http_{pid}.db"))
            return found

    def series(self, method: str, route: str) -> RequestSeries:
        return RequestSeries(self, method, route)


def _family(metric: Counter | Gauge | Histogram) -> tuple[str, str]:
    """Name and help as prometheus_client reports them (a counter's name without `_total`)."""
    family = next(iter(metric.describe()))
    return family.name, family.documentation


def _key(family: tuple[str, str], sample: str, labels: dict[str, str]) -> str:
    name, documentation = family
    return mmap_key(name, sample, list(labels), list(labels.values()), documentation)


class RequestSeries:
    """The series of one method and route: what one request adds, written under one lock per call."""

    __slots__ = (
        "_bounds",
        "_buckets",
        "_counts",
        "_errors",
        "_files",
        "_histograms",
        "_in_progress",
        "_labels",
        "_levels",
        "_statuses",
        "_sum",
    )

    def __init__(self, files: RequestFiles, method: str, route: str) -> None:
        self._files = files
        self._labels = {"method": method, "route": route}
        self._counts = files.file("counter")
        self._levels = files.file("gauge_livesum")
        self._histograms = files.file("histogram")
        self._in_progress = self._levels.slot(_key(files.in_progress, files.in_progress[0], self._labels))
        # In prometheus_client's order (the sum, then the buckets by bound): the same file, byte for byte.
        name = files.latency[0]
        self._sum = self._histograms.slot(_key(files.latency, f"{name}_sum", self._labels))
        self._buckets = [
            self._histograms.slot(_key(files.latency, f"{name}_bucket", {**self._labels, "le": floatToGoString(b)}))
            for b in files.bounds
        ]
        self._bounds = files.bounds
        self._statuses: dict[int, int] = {}
        self._errors = -1  # made on the first error, so a route shows no error series until it has one

    # acquire/release rather than `with`: the context-manager protocol costs more than the writes it guards.
    def started(self) -> None:
        """Count the request as in flight."""
        _lock.acquire()
        try:
            self._levels.values[self._in_progress] += 1.0
        finally:
            _lock.release()

    def finished(self, status: int, duration: float) -> None:
        """Record the request done: `status` 500 for an exception, `duration` in seconds."""
        counter = self._statuses.get(status)
        if counter is None:
            counter = self._statuses[status] = self._count_slot(self._files.requests, status=str(status))
        if status >= 500 and self._errors < 0:
            self._errors = self._count_slot(self._files.errors)
        # The first bucket whose bound is >= duration, as prometheus_client's `amount <= bound` scan finds it.
        bucket = self._buckets[bisect_left(self._bounds, duration)]
        _lock.acquire()
        try:
            self._levels.values[self._in_progress] -= 1.0
            counts = self._counts.values
            counts[counter] += 1.0
            if status >= 500:
                counts[self._errors] += 1.0
            latency = self._histograms.values
            latency[self._sum] += duration
            latency[bucket] += 1.0
        finally:
            _lock.release()

    def _count_slot(self, family: tuple[str, str], **labels: str) -> int:
        return self._counts.slot(_key(family, f"{family[0]}_total", {**self._labels, **labels}))


def mark_process_dead(pid: int, directory: str) -> None:
    """Remove a dead worker's in-flight gauges (prometheus_client's own function only knows its file names)."""
    for path in glob.glob(os.path.join(directory, f"gauge_live*_http_{pid}.db")):
        os.remove(path)


def _forked() -> None:
    # A thread that held the lock at the fork does not exist in the child: start it released.
    global _lock
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_forked)
