"""The exposition text of all gunicorn workers' metrics, merged from their files fast enough to scrape often.

prometheus_client's MultiProcessCollector reads and JSON-decodes every key of every worker's file on every
scrape, then builds sample objects for `generate_latest`: 15-30 µs per series, so /metrics slows down as
routes are added. The files only ever grow by appending a new series at the end, so this reader keeps each
file mapped, decodes each key once, and on later scrapes only reads the values (8 bytes at a known offset)
and joins lines whose text before the value was formatted once, by prometheus_client itself.

It merges exactly as MultiProcessCollector does: counters, summaries and histogram buckets are summed over
all files (a dead worker's files stay, so totals never go backwards); gauges follow their multiprocess mode
(`live*` files disappear when gunicorn reports the worker dead). tests/test_metrics_merge.py holds the two
outputs equal.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
import threading
from collections.abc import Iterable

from prometheus_client import Metric, generate_latest
from prometheus_client.registry import Collector, CollectorRegistry
from prometheus_client.utils import floatToGoString

_INT = struct.Struct("i").unpack_from
_DOUBLE = struct.Struct("d").unpack_from

_INF = float("inf")


def _number(value: float) -> str:
    """floatToGoString's text, without its work for the common case: finite and below a million."""
    return repr(value) if -_INF < value < 1e6 else floatToGoString(value)


# How values of one series from several files combine.
_SUM, _MIN, _MAX, _LATEST, _EACH = range(5)
_GAUGE_OPS = {"sum": _SUM, "min": _MIN, "max": _MAX, "mostrecent": _LATEST, "all": _EACH}


class _OneMetric(Collector):
    def __init__(self, metric: Metric) -> None:
        self.metric = metric

    def collect(self) -> Iterable[Metric]:
        return [self.metric]


def _exposition(name: str, kind: str, documentation: str, samples: list[tuple[str, dict[str, str]]]) -> list[str]:
    """prometheus_client's own text for a family with these samples (each valued 0), line by line."""
    metric = Metric(name, documentation, kind)
    for sample_name, labels in samples:
        metric.add_sample(sample_name, labels, 0.0)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_OneMetric(metric))
    return generate_latest(registry).decode("utf-8").splitlines(keepends=True)


class _Family:
    __slots__ = ("header", "series", "groups")

    def __init__(self, name: str, kind: str, documentation: str) -> None:
        self.header = "".join(_exposition(name, kind, documentation, []))
        #: index of every series of this family, in the order they were first seen
        self.series: list[int] = []
        #: histograms: labels without `le` -> the bucket series sorted by bound, and the `_sum` series
        self.groups: dict[tuple[tuple[str, str], ...], _Group] = {}


class _Group:
    __slots__ = ("buckets", "total", "count_prefix")

    def __init__(self) -> None:
        self.buckets: list[tuple[float, int]] = []
        self.total: int | None = None
        self.count_prefix = ""


class _File:
    """One worker's file: kept open and mapped; `entries` grows as the worker adds series."""

    __slots__ = ("handle", "data", "size", "parsed", "entries", "kind", "op", "pid")

    def __init__(self, path: str, name: str) -> None:
        parts = name[:-3].split("_")
        self.kind = parts[0]
        self.pid = parts[-1]
        mode = parts[1].removeprefix("live") if self.kind == "gauge" else "sum"
        self.op = _GAUGE_OPS.get(mode, _EACH)
        self.handle = open(path, "rb")  # noqa: SIM115 - kept open between scrapes on purpose
        self.data: mmap.mmap | None = None
        self.size = 0
        self.parsed = 8
        self.entries: list[tuple[int, int]] = []

    def refresh(self, series_of: Merger) -> mmap.mmap:
        data = self._map()
        used = _INT(data, 0)[0]
        if used > self.size:  # the worker grew the file after it was mapped
            data = self._map()
        pos = self.parsed
        while pos < used:
            length = _INT(data, pos)[0]
            pos += 4
            key = data[pos : pos + length].decode("utf-8")
            pos += length + (8 - (length + 4) % 8)
            self.entries.append((series_of.index(self, key), pos))
            pos += 16
        self.parsed = pos
        return data

    def _map(self) -> mmap.mmap:
        size = os.fstat(self.handle.fileno()).st_size
        if self.data is None or size != self.size:
            if self.data is not None:
                self.data.close()
            self.data = mmap.mmap(self.handle.fileno(), size, access=mmap.ACCESS_READ)
            self.size = size
        return self.data

    def close(self) -> None:
        if self.data is not None:
            self.data.close()
        self.handle.close()


class Merger:
    """Reads a PROMETHEUS_MULTIPROC_DIR; `render()` is safe to call from several threads."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.files: dict[str, _File] = {}
        self.families: dict[str, _Family] = {}
        #: per series: the text before its value ("name{labels}"), and its family
        self.prefixes: list[str] = []
        self.keys: dict[tuple[str, str, str], int] = {}
        self.lock = threading.Lock()

    def index(self, file: _File, key: str) -> int:
        # Gauges merged per worker keep each worker's series apart, with its pid as a label.
        per_worker = file.kind == "gauge" and file.op == _EACH
        ident = (file.kind, key, file.pid if per_worker else "")
        found = self.keys.get(ident)
        if found is not None:
            return found
        metric_name, sample_name, labels, documentation = json.loads(key)
        family_key = f"{file.kind}:{metric_name}"
        family = self.families.get(family_key)
        if family is None:
            family = self.families[family_key] = _Family(metric_name, file.kind, documentation)
        if per_worker:
            labels = {**labels, "pid": file.pid}
        lines = _exposition(metric_name, file.kind, documentation, [(sample_name, labels)])
        prefix = lines[-1].rsplit(" ", 1)[0]
        number = len(self.prefixes)
        self.prefixes.append(prefix)
        self.keys[ident] = number
        if file.kind == "histogram":
            group_labels = tuple(sorted((k, v) for k, v in labels.items() if k != "le"))
            group = family.groups.get(group_labels)
            if group is None:
                group = family.groups[group_labels] = _Group()
                count = [(f"{metric_name}_count", dict(group_labels))]
                group.count_prefix = _exposition(metric_name, "histogram", documentation, count)[-1].rsplit(" ", 1)[0]
            if "le" in labels:
                group.buckets.append((float(labels["le"]), number))
                group.buckets.sort()
            else:
                group.total = number
        else:
            family.series.append(number)
        return number

    def _scan(self) -> list[tuple[_File, mmap.mmap]]:
        # In the directory's own order, as MultiProcessCollector's glob reads them: float sums then agree to the bit.
        names = [n for n in os.listdir(self.path) if n.endswith(".db")]
        for gone in self.files.keys() - set(names):
            self.files.pop(gone).close()
        scanned = []
        for name in names:
            file = self.files.get(name)
            if file is None:
                try:
                    file = self.files[name] = _File(os.path.join(self.path, name), name)
                except FileNotFoundError:  # a live gauge's file removed since the listing
                    continue
            scanned.append((file, file.refresh(self)))
        return scanned

    def render(self) -> bytes:
        with self.lock:
            scanned = self._scan()
            values: list[float | None] = [None] * len(self.prefixes)
            stamps: list[float] = [0.0] * len(self.prefixes)
            for file, data in scanned:
                op = file.op
                if op == _SUM:  # counters, histograms, summed gauges: nearly every file
                    for number, pos in file.entries:
                        current = values[number]
                        values[number] = _DOUBLE(data, pos)[0] if current is None else current + _DOUBLE(data, pos)[0]
                    continue
                for number, pos in file.entries:
                    value = _DOUBLE(data, pos)[0]
                    current = values[number]
                    if current is None or op == _EACH:
                        values[number] = value
                        if op == _LATEST:
                            stamps[number] = _DOUBLE(data, pos + 8)[0]
                    elif op == _MIN:
                        values[number] = min(current, value)
                    elif op == _MAX:
                        values[number] = max(current, value)
                    elif op == _LATEST:
                        stamp = _DOUBLE(data, pos + 8)[0]
                        if stamp > stamps[number]:
                            values[number], stamps[number] = value, stamp
            return self._text(values).encode("utf-8")

    def _text(self, values: list[float | None]) -> str:
        prefixes = self.prefixes
        out: list[str] = []
        for family in self.families.values():
            lines: list[str] = []
            for number in family.series:
                value = values[number]
                if value is not None:
                    lines.append(f"{prefixes[number]} {_number(value)}\n")
            for group in family.groups.values():
                seen = False
                cumulative = 0.0
                for _, number in group.buckets:
                    value = values[number]
                    if value is None:
                        continue
                    seen = True
                    cumulative += value
                    lines.append(f"{prefixes[number]} {_number(cumulative)}\n")
                if seen:
                    lines.append(f"{group.count_prefix} {_number(cumulative)}\n")
                if group.total is not None:
                    total = values[group.total]
                    if total is not None:
                        lines.append(f"{prefixes[group.total]} {_number(total)}\n")
            if lines:
                out.append(family.header)
                out.extend(lines)
        return "".join(out)
