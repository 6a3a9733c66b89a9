"""app/metrics_files.py writes what prometheus_client's own multiprocess values write for the same requests.

The reference is app.metrics.RouteMetrics (the series of one process) over prometheus_client's multiprocess
value class, the one it uses under PROMETHEUS_MULTIPROC_DIR: both are fed the same requests and their files
compared byte for byte, then read back through MultiProcessCollector.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess, values
from prometheus_client.mmap_dict import MmapedDict

from app import metrics
from app.metrics_files import RequestFiles

# (method, route, status, seconds): every bucket of the histogram, a new status, server errors.
REQUESTS = [
    ("GET", "/items", 200, 0.0004),
    ("GET", "/items", 200, 0.03),
    ("POST", "/items", 201, 0.2),
    ("GET", "/items/{item_id}", 404, 0.005),
    ("GET", "/items", 500, 3.0),
    ("GET", "/items", 503, 12.5),
    ("GET", metrics.UNMATCHED, 404, 0.01),
    ("GET", "/items", 200, 0.0),
]

Series = metrics.Series
BUCKETS = metrics.BUCKETS


@dataclass
class Declared:
    requests: Counter
    errors: Counter
    in_progress: Gauge
    latency: Histogram


def fresh_metrics(monkeypatch: pytest.MonkeyPatch) -> Declared:
    """The four request metrics as app.metrics declares them, unregistered, put in its place for the test."""
    route = ["method", "route"]

    def named(metric: Counter | Gauge | Histogram) -> tuple[str, str]:
        family = next(iter(metric.describe()))
        return family.name, family.documentation

    made = Declared(
        requests=Counter(*named(metrics.REQUESTS), [*route, "status"], registry=None),
        errors=Counter(*named(metrics.ERRORS), route, registry=None),
        in_progress=Gauge(*named(metrics.IN_PROGRESS), route, registry=None, multiprocess_mode="livesum"),
        latency=Histogram(*named(metrics.LATENCY), route, registry=None, buckets=BUCKETS),
    )
    for name in ("requests", "errors", "in_progress", "latency"):
        monkeypatch.setattr(metrics, name.upper(), getattr(made, name))
    return made


def request_files(folder: Path, made: Declared) -> RequestFiles:
    return RequestFiles(
        str(folder),
        requests=made.requests,
        errors=made.errors,
        in_progress=made.in_progress,
        latency=made.latency,
        buckets=BUCKETS,
    )


def replay(series_of: Callable[[str, str], Series], requests: list[tuple[str, str, int, float]]) -> None:
    cache: dict[tuple[str, str], Series] = {}
    for method, route, status, seconds in requests:
        series = cache.get((method, route))
        if series is None:
            series = cache[(method, route)] = series_of(method, route)
        series.started()
        series.finished(status, seconds)


def exposition(folder: Path) -> list[str]:
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(folder))
    return sorted(generate_latest(registry).decode().splitlines())


def reference_files(folder: Path, monkeypatch: pytest.MonkeyPatch, requests: list[tuple[str, str, int, float]]) -> None:
    """The same requests through prometheus_client's multiprocess values, into `folder`."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    # The value class prometheus_client picks when PROMETHEUS_MULTIPROC_DIR is set at its import.
    monkeypatch.setattr(values, "ValueClass", values.MultiProcessValue())
    replay(metrics.RouteMetrics, requests)


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ours.mkdir()
    theirs.mkdir()
    return ours, theirs


def same_files(ours: Path, theirs: Path) -> None:
    pid = os.getpid()
    for kind in ("counter", "gauge_livesum", "histogram"):
        mine = (ours / f"{kind}_http_{pid}.db").read_bytes()
        reference = (theirs / f"{kind}_{pid}.db").read_bytes()
        assert mine == reference, kind
    assert sorted(p.name for p in ours.iterdir()) == sorted(
        f"{k}_http_{pid}.db" for k in ("counter", "gauge_livesum", "histogram")
    )


def test_files_equal_prometheus_clients_byte_for_byte(
    folders: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    ours, theirs = folders
    made = fresh_metrics(monkeypatch)
    replay(request_files(ours, made).series, REQUESTS)
    reference_files(theirs, monkeypatch, REQUESTS)

    same_files(ours, theirs)
    lines = exposition(ours)
    assert lines == exposition(theirs)
    assert 'http_requests_total{method="GET",route="/items",status="200"} 3.0' in lines
    assert 'http_request_errors_total{method="GET",route="/items"} 2.0' in lines
    assert 'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/items"} 2.0' in lines
    assert 'http_request_duration_seconds_count{method="GET",route="/items"} 5.0' in lines
    assert 'http_requests_in_progress{method="GET",route="/items"} 0.0' in lines
    assert not any(line.startswith("http_request_errors_total") and "item_id" in line for line in lines)


def test_files_grown_past_their_first_size_stay_equal(
    folders: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    ours, theirs = folders
    made = fresh_metrics(monkeypatch)
    # 400 routes take the histogram file past 64 KiB (twice); the first route is written again after that.
    requests = [("GET", f"/route/{n}", 200, 0.001 * n) for n in range(400)] + [("GET", "/route/0", 500, 1.0)]
    replay(request_files(ours, made).series, requests)
    reference_files(theirs, monkeypatch, requests)

    assert (ours / f"histogram_http_{os.getpid()}.db").stat().st_size > 1 << 17
    same_files(ours, theirs)
    assert 'http_requests_total{method="GET",route="/route/0",status="500"} 1.0' in exposition(ours)


def in_threads(threads: int, each: int, series_of: Callable[[], Series]) -> float:
    """`each` requests in each of `threads` threads, started together; the number of requests made."""
    start = threading.Barrier(threads)

    def work() -> None:
        start.wait()
        for _ in range(each):
            series = series_of()
            series.started()
            series.finished(200, 0.002)

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return float(threads * each)


def test_threads_lose_no_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    series = request_files(tmp_path, fresh_metrics(monkeypatch)).series("GET", "/items")

    total = in_threads(8, 5000, lambda: series)

    lines = exposition(tmp_path)
    assert f'http_requests_total{{method="GET",route="/items",status="200"}} {total}' in lines
    assert f'http_request_duration_seconds_count{{method="GET",route="/items"}} {total}' in lines
    assert 'http_requests_in_progress{method="GET",route="/items"} 0.0' in lines


def test_threads_starting_at_once_share_one_file_and_one_entry_per_series(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A gthread worker's first requests: several threads open the files and add the same series together.
    files = request_files(tmp_path, fresh_metrics(monkeypatch))

    total = in_threads(8, 200, lambda: files.series("GET", "/items"))

    for path in tmp_path.iterdir():
        keys = [key for key, _, _, _ in MmapedDict.read_all_values_from_file(str(path))]
        assert len(keys) == len(set(keys)), path.name
    lines = exposition(tmp_path)
    assert f'http_requests_total{{method="GET",route="/items",status="200"}} {total}' in lines
    assert f'http_request_duration_seconds_count{{method="GET",route="/items"}} {total}' in lines


def test_a_forked_child_writes_files_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = request_files(tmp_path, fresh_metrics(monkeypatch))
    replay(files.series, [("GET", "/items", 200, 0.01)])
    parent = tmp_path / f"counter_http_{os.getpid()}.db"
    before = parent.read_bytes()

    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which reports by its exit code only
        try:
            replay(files.series, [("GET", "/items", 200, 0.01)] * 3)
            os._exit(0)
        finally:
            os._exit(1)
    _, status = os.waitpid(child, 0)

    assert os.waitstatus_to_exitcode(status) == 0
    assert parent.read_bytes() == before
    assert (tmp_path / f"counter_http_{child}.db").exists()
    assert 'http_requests_total{method="GET",route="/items",status="200"} 4.0' in exposition(tmp_path)


# app.metrics in multiprocess mode (as gunicorn runs it): a route's series cached before a fork, used again
# in the child, must write the child's files. Prints the child's pid.
FORKED_WORKER = """
import os
from app import metrics

metrics.for_route("GET", "/items").finished(200, 0.01)
child = os.fork()
if child == 0:
    metrics.for_route("GET", "/items").finished(200, 0.01)
    os._exit(0)
os.waitpid(child, 0)
print(child)
"""


def test_a_forked_worker_leaves_its_parents_files_alone(tmp_path: Path) -> None:
    project = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    run = subprocess.run(  # noqa: S603 - this interpreter, the code above
        [sys.executable, "-c", FORKED_WORKER],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    child = int(run.stdout.strip())

    def requests_in(pid: str) -> list[float]:
        path = tmp_path / f"counter_http_{pid}.db"
        return [value for key, value, _, _ in MmapedDict.read_all_values_from_file(str(path)) if "http_requests" in key]

    parents = {p.name.rsplit("_", 1)[1][:-3] for p in tmp_path.glob("counter_http_*.db")} - {str(child)}
    assert len(parents) == 1
    assert requests_in(parents.pop()) == [1.0]
    assert requests_in(str(child)) == [1.0]


def test_a_dead_workers_in_flight_requests_go_its_counts_stay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    series = request_files(tmp_path, fresh_metrics(monkeypatch)).series("GET", "/slow")
    series.started()
    series.started()
    series.finished(200, 0.5)
    assert 'http_requests_in_progress{method="GET",route="/slow"} 1.0' in exposition(tmp_path)

    monkeypatch.setattr(metrics, "MULTIPROC_DIR", str(tmp_path))
    metrics.mark_process_dead(os.getpid())

    lines = exposition(tmp_path)
    assert not any(line.startswith("http_requests_in_progress{") for line in lines)
    assert 'http_requests_total{method="GET",route="/slow",status="200"} 1.0' in lines
