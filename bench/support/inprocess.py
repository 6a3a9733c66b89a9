"""Bench only: work done inside one Python process, without the HTTP server, to show where time goes.

Run with the project's venv, from the generated project's folder (so `app` imports), with the app's
production environment:

  inprocess.py populate ROUTES           record requests for ROUTES route labels through app.metrics.for_route
  inprocess.py request TARGET N BATCHES  per-request time (µs) of GET /health on TARGET (module:attr, ASGI
                                         or WSGI), BATCHES batches of N calls after a warm-up
  inprocess.py parts N                   µs of the generated middleware's pieces (metrics, request id, route)
  inprocess.py scrape N                  ms of app.metrics.metrics_response() over PROMETHEUS_MULTIPROC_DIR, next
                                         to prometheus_client's MultiProcessCollector + generate_latest over the
                                         same files (collection and exposition), interleaved
  inprocess.py variants FRAMEWORK N B    per-request time (µs) of GET /health on the bare app, the generated
                                         app and the generated app without one piece at a time, interleaved
  inprocess.py sweep N R1,R2,...         `scrape` in a fresh folder populated with R routes, for each R

Every mode prints one JSON object. Logging is set up as gunicorn.conf.py sets it up for every worker.
"""

from __future__ import annotations

import asyncio
import importlib
import io
import json
import logging.config
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

sys.path.insert(0, os.getcwd())


def _logging() -> None:
    from app.logs import logging_config

    logging.config.dictConfig(logging_config(os.environ.get("LOG_LEVEL", "info")))


def populate(routes: int) -> dict[str, Any]:
    from app import metrics

    for i in range(routes):
        route = f"/bench/resource{i}/{{item_id}}"
        for method in ("GET", "POST"):
            for status in (200, 404, 500):
                for duration in (0.002, 0.03, 0.4, 3.0):
                    series = metrics.for_route(method, route)
                    series.started()
                    series.finished(status, duration)
    return {"routes": routes}


def _load(target: str) -> Any:
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def _asgi_timer(app: Any) -> Any:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/health",
        "raw_path": b"/health",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"wrk")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    async def batch(n: int) -> float:
        started = time.perf_counter()
        for _ in range(n):
            await app(dict(scope), receive, send)
        return (time.perf_counter() - started) / n * 1e6

    try:
        import uvloop  # the uvicorn worker's event loop

        loop = uvloop.new_event_loop()
    except ImportError:
        loop = asyncio.new_event_loop()

    def run(n: int) -> float:
        return loop.run_until_complete(batch(n))

    return run, status


def _wsgi_timer(app: Any) -> Any:
    from wsgiref.util import setup_testing_defaults

    base: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/health",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": "wrk",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": "127.0.0.1",
    }
    setup_testing_defaults(base)
    status: list[int] = []

    def start_response(s: str, headers: Any, exc_info: Any = None) -> Any:
        status.append(int(s.split()[0]))
        return lambda data: None

    def run(n: int) -> float:
        started = time.perf_counter()
        for _ in range(n):
            environ = dict(base)
            environ["wsgi.input"] = io.BytesIO(b"")
            result = app(environ, start_response)
            try:
                b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        return (time.perf_counter() - started) / n * 1e6

    return run, status


def request(target: str, n: int, batches: int) -> dict[str, Any]:
    app = _load(target)
    _logging()
    is_asgi = asyncio.iscoroutinefunction(getattr(app, "__call__", None)) or asyncio.iscoroutinefunction(app)
    run, status = _asgi_timer(app) if is_asgi else _wsgi_timer(app)
    run(300)
    if set(status) != {200}:
        raise SystemExit(f"GET /health on {target} answered {sorted(set(status))}")
    return {"target": target, "us": [run(n) for _ in range(batches)]}


def _alternate(timers: dict[str, Any], n: int, batches: int) -> dict[str, float]:
    """Best (lowest) µs per request of each timer over `batches` batches, interleaved so every variant sees the
    same machine; the lowest is the least disturbed by other processes (timeit's convention)."""
    for run in timers.values():
        run(300)
    results: dict[str, list[float]] = {name: [] for name in timers}
    for _ in range(batches):
        for name, run in timers.items():
            results[name].append(run(n))
    return {name: min(values) for name, values in results.items()}


def _patched(run: Any, patches: list[tuple[Any, str, Any]]) -> Any:
    """`run` with module attributes replaced while it runs (restored after each batch)."""

    def patched_run(n: int) -> float:
        saved = [(obj, name, getattr(obj, name)) for obj, name, _ in patches]
        for obj, name, value in patches:
            setattr(obj, name, value)
        try:
            return run(n)
        finally:
            for obj, name, value in saved:
                setattr(obj, name, value)

    return patched_run


class _NoMetrics:
    def started(self) -> None:
        pass

    def finished(self, status: int, duration: float) -> None:
        pass


def _without_pieces(run: Any, hooks: Any) -> dict[str, Any]:
    """The generated app's per-request pieces taken out one at a time; `hooks` is the module whose code runs
    per request (it imported request_id_from by name)."""
    from app import metrics

    fixed = "0" * 32
    none = _NoMetrics()
    return {
        "generated without metric writes": _patched(run, [(metrics, "for_route", lambda method, route: none)]),
        "generated with a fixed request id": _patched(run, [(hooks, "request_id_from", lambda incoming: fixed)]),
    }


def _fastapi_variants(n: int, batches: int) -> dict[str, float]:
    from app.main import app
    from app.middleware import RequestContextMiddleware
    from bench_bare import app as bare

    _logging()
    full = app.user_middleware
    app.user_middleware = [m for m in full if m.cls is not RequestContextMiddleware]
    stack = app.build_middleware_stack()
    app.user_middleware = full

    from app import middleware

    generated = _asgi_timer(app)[0]
    return _alternate(
        {
            "bare": _asgi_timer(bare)[0],
            "generated": generated,
            # The app's own middleware stack swapped for one built without it (FastAPI.__call__ still runs).
            "generated without RequestContextMiddleware": _patched(generated, [(app, "middleware_stack", stack)]),
            **_without_pieces(generated, middleware),
            "generated without route matching in the middleware": _patched(generated, [(middleware, "route_template", lambda scope: "/health")]),
        },
        n,
        batches,
    )


def _flask_variants(n: int, batches: int) -> dict[str, float]:
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    import app as hooks
    from app import create_app
    from bench_bare import app as bare

    class NoSession(SecureCookieSessionInterface):
        """Never opens a session: what Flask does when SECRET_KEY is unset."""

        def open_session(self, app: Any, request: Any) -> Any:
            return self.null_session_class()

        def save_session(self, *args: Any) -> None:
            pass

    _logging()
    with_secret = Flask("bare_with_secret")
    with_secret.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "x" * 40)
    with_secret.get("/health")(lambda: {"status": "ok"})
    generated = create_app()
    no_session = create_app()
    no_session.session_interface = NoSession()
    no_hooks = create_app()
    for table in (no_hooks.before_request_funcs, no_hooks.after_request_funcs, no_hooks.teardown_request_funcs):
        table.clear()
    generated_run = _wsgi_timer(generated)[0]
    return _alternate(
        {
            "bare": _wsgi_timer(bare)[0],
            "bare with SECRET_KEY": _wsgi_timer(with_secret)[0],
            "generated": generated_run,
            **_without_pieces(generated_run, hooks),
            "generated without session (as if no SECRET_KEY)": _wsgi_timer(no_session)[0],
            "generated without request hooks (id, metrics, log)": _wsgi_timer(no_hooks)[0],
        },
        n,
        batches,
    )


_DJANGO_VARIANTS = {
    "generated without RequestContextMiddleware": 'MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("app.")]',
    "generated without Django's Security/Common/XFrameOptions middleware": 'MIDDLEWARE = [m for m in MIDDLEWARE if m.startswith("app.")]',
}


def _django_variants(n: int, batches: int) -> dict[str, float]:
    # Django's settings are process-wide: each variant runs in its own process, the processes interleaved.
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-django-") as folder:
        modules = {"bare": ("", "bench_bare:application"), "generated": ("app.settings", "app.wsgi:application")}
        for i, (name, change) in enumerate(_DJANGO_VARIANTS.items()):
            module = f"bench_settings_{i}"
            with open(os.path.join(folder, f"{module}.py"), "w") as f:
                f.write(f"from app.settings import *  # noqa: F403\n{change}\n")
            modules[name] = (module, "app.wsgi:application")
        for _ in range(3):
            for name, (settings, target) in modules.items():
                env = {**os.environ, "PYTHONPATH": os.pathsep.join([folder, os.getcwd()])}
                if settings:
                    env["DJANGO_SETTINGS_MODULE"] = settings
                per_process = str(max(1, -(-batches // 3)))  # the batches shared by the 3 processes of each variant
                r = subprocess.run([sys.executable, __file__, "request", target, str(n), per_process], env=env, capture_output=True, text=True, check=False)
                if r.returncode != 0:
                    raise SystemExit(f"{name}: {r.stderr}")
                results.setdefault(name, []).extend(json.loads(r.stdout)["us"])
    return {name: min(values) for name, values in results.items()}


def variants(framework: str, n: int, batches: int) -> dict[str, Any]:
    run = {"fastapi": _fastapi_variants, "flask": _flask_variants, "django": _django_variants}[framework]
    return {"us": run(n, batches)}


def _us(fn: Any, n: int) -> float:
    for _ in range(min(n, 500)):
        fn()
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - started) / n * 1e6)
    return statistics.median(runs)


def parts(n: int) -> dict[str, Any]:
    from app import metrics
    from app.logs import log_request, request_id_from

    _logging()

    def metric_writes() -> None:
        series = metrics.for_route("GET", "/health")
        series.started()
        series.finished(200, 0.0004)

    # The same writes through prometheus_client's own multiprocess values (what the app did before
    # app/metrics_files.py), into the same folder under another route: its series made once, then cached.
    files = metrics._FILES
    metrics._FILES = None
    try:
        metrics.for_route("GET", "/bench-client-values")
    finally:
        metrics._FILES = files

    def client_writes() -> None:
        series = metrics.for_route("GET", "/bench-client-values")
        series.started()
        series.finished(200, 0.0004)

    out = {
        "metrics_us": _us(metric_writes, n),
        "metrics_prometheus_client_us": _us(client_writes, n),
        "request_id_us": _us(lambda: request_id_from(None), n),
        "quiet_log_us": _us(lambda: log_request("GET", "/health", "/health", 200, 0.0004), n),
    }
    try:
        from app.main import app
        from app.middleware import route_template

        scope = {"type": "http", "method": "GET", "path": "/health", "root_path": "", "app": app, "headers": []}
        out["route_template_us"] = _us(lambda: route_template(scope), n)
    except ImportError:
        pass
    return out


def scrape(n: int) -> dict[str, Any]:
    from prometheus_client import generate_latest, multiprocess

    from app.metrics import MULTIPROC_DIR, metrics_response

    if MULTIPROC_DIR is None:
        raise SystemExit("PROMETHEUS_MULTIPROC_DIR is not set")
    body, _ = metrics_response()
    series = sum(1 for line in body.decode().splitlines() if line and not line.startswith("#"))
    totals, collects, expositions = [], [], []
    for _ in range(n):
        started = time.perf_counter()
        metrics_response()
        totals.append((time.perf_counter() - started) * 1000)
        # The same files through prometheus_client's own merge, for comparison.
        started = time.perf_counter()
        collected = list(multiprocess.MultiProcessCollector(None, path=MULTIPROC_DIR).collect())
        middle = time.perf_counter()
        generate_latest(type("Fixed", (), {"collect": lambda self: collected})())  # type: ignore[arg-type]
        collects.append((middle - started) * 1000)
        expositions.append((time.perf_counter() - middle) * 1000)
    p99 = sorted(totals)[max(0, int(len(totals) * 0.99) - 1)]
    return {
        "series": series,
        "files": len(os.listdir(MULTIPROC_DIR)),
        "median_ms": statistics.median(totals),
        "p99_ms": p99,
        "collect_ms": statistics.median(collects),
        "exposition_ms": statistics.median(expositions),
    }


def sweep(n: int, counts: list[int]) -> dict[str, Any]:
    rows = []
    for routes in counts:
        with tempfile.TemporaryDirectory(prefix="bench-metrics-") as folder:
            env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": folder}
            for mode in (["populate", str(routes)], ["scrape", str(n)]):
                r = subprocess.run([sys.executable, __file__, *mode], env=env, capture_output=True, text=True, check=False)
                if r.returncode != 0:
                    raise SystemExit(f"inprocess.py {' '.join(mode)} failed: {r.stderr}")
            rows.append({"routes": routes, **json.loads(r.stdout)})
    return {"sweep": rows}


def main(argv: list[str]) -> None:
    mode, args = argv[0], argv[1:]
    if mode == "populate":
        out = populate(int(args[0]))
    elif mode == "request":
        out = request(args[0], int(args[1]), int(args[2]))
    elif mode == "parts":
        out = parts(int(args[0]))
    elif mode == "scrape":
        out = scrape(int(args[0]))
    elif mode == "variants":
        out = variants(args[0], int(args[1]), int(args[2]))
    elif mode == "sweep":
        out = sweep(int(args[0]), [int(x) for x in args[1].split(",")])
    else:
        raise SystemExit(__doc__)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
