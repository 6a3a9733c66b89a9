"""app/metrics_merge.py gives what prometheus_client's MultiProcessCollector gives, line for line.

The worker files are written the way prometheus_client writes them (MmapedDict, mmap_key): counters,
histograms and gauges of each multiprocess mode, from several workers, growing between scrapes.
"""

from __future__ import annotations

from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.mmap_dict import MmapedDict, mmap_key

from app.metrics_merge import Merger

BUCKETS = ("0.005", "0.1", "1.0", "+Inf")


Sample = tuple[str, str, dict[str, str], float]


def write(folder: Path, file: str, samples: list[Sample], timestamp: float = 0.0) -> None:
    """Adds or updates samples (metric, sample name, labels, value) in one worker's file."""
    values = MmapedDict(str(folder / file))
    try:
        for metric, sample, labels, value in samples:
            key = mmap_key(metric, sample, list(labels), list(labels.values()), f"Help of {metric}.")
            values.write_value(key, value, timestamp)
    finally:
        values.close()


def requests(route: str, status: str, value: float) -> Sample:
    return ("http_requests", "http_requests_total", {"method": "GET", "route": route, "status": status}, value)


def latency(route: str, counts: tuple[float, ...], total: float) -> list[Sample]:
    name = "http_request_duration_seconds"
    samples = [(name, f"{name}_bucket", {"le": le, "route": route}, n) for le, n in zip(BUCKETS, counts, strict=True)]
    return [*samples, (name, f"{name}_sum", {"route": route}, total)]


def reference(folder: Path) -> list[str]:
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(folder))
    return sorted(generate_latest(registry).decode().splitlines())


def merged(merger: Merger) -> list[str]:
    return sorted(merger.render().decode().splitlines())


def test_sums_workers_and_follows_their_files_as_they_grow(tmp_path: Path) -> None:
    merger = Merger(str(tmp_path))
    assert merger.render() == b""
    write(tmp_path, "counter_11.db", [requests("/items", "200", 3), requests("/items", "404", 1)])
    write(tmp_path, "histogram_11.db", latency("/items", (1, 2, 0, 1), 0.75))
    assert merged(merger) == reference(tmp_path)

    # Another worker, then new series and new values in the first one: read from where each file ended.
    write(tmp_path, "counter_12.db", [requests("/items", "200", 5), requests("/<unmatched>", "404", 2)])
    write(tmp_path, "histogram_12.db", latency("/items", (0, 1, 1, 0), 1.5))
    write(tmp_path, "counter_11.db", [requests("/items", "200", 4), requests("/items/{id}", "200", 7)])
    write(tmp_path, "histogram_11.db", latency("/items/{id}", (2, 0, 0, 0), 0.004))
    lines = merged(merger)
    assert lines == reference(tmp_path)
    assert 'http_requests_total{method="GET",route="/items",status="200"} 9.0' in lines
    assert 'http_request_duration_seconds_count{route="/items"} 6.0' in lines
    assert 'http_request_duration_seconds_bucket{le="+Inf",route="/items"} 6.0' in lines


def test_gauges_merge_by_their_mode_and_dead_workers_live_gauges_drop(tmp_path: Path) -> None:
    merger = Merger(str(tmp_path))
    for pid, value in (("21", 2.0), ("22", 5.0)):
        write(tmp_path, f"gauge_livesum_{pid}.db", [("in_progress", "in_progress", {"route": "/a"}, value)])
        write(tmp_path, f"gauge_all_{pid}.db", [("per_worker", "per_worker", {}, value)])
        write(tmp_path, f"gauge_max_{pid}.db", [("highest", "highest", {}, value)])
        write(tmp_path, f"gauge_min_{pid}.db", [("lowest", "lowest", {}, value)])
        write(tmp_path, f"gauge_mostrecent_{pid}.db", [("latest", "latest", {}, value)], timestamp=float(pid))
    lines = merged(merger)
    assert lines == reference(tmp_path)
    assert 'in_progress{route="/a"} 7.0' in lines
    assert 'per_worker{pid="22"} 5.0' in lines

    multiprocess.mark_process_dead(22, str(tmp_path))
    lines = merged(merger)
    assert lines == reference(tmp_path)
    assert 'in_progress{route="/a"} 2.0' in lines


def test_a_file_grown_past_its_first_mapping(tmp_path: Path) -> None:
    merger = Merger(str(tmp_path))
    write(tmp_path, "counter_31.db", [requests("/first", "200", 1)])
    assert merged(merger) == reference(tmp_path)
    # 64 KiB is the size prometheus_client gives a new file; a thousand series need several times that.
    write(tmp_path, "counter_31.db", [requests(f"/route/{n}", "200", n) for n in range(1000)])
    assert (tmp_path / "counter_31.db").stat().st_size > 1 << 16
    lines = merged(merger)
    assert lines == reference(tmp_path)
    assert len([line for line in lines if not line.startswith("#")]) == 1001
