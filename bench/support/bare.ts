// The bare hello-world app of each framework: one module in the project folder answering GET /health with
// {"status":"ok"} and nothing else (no middleware, logging, metrics or settings of the generated app; for
// Django a minimal settings module, in the same file). It is served exactly like the generated app:
// `gunicorn bench_bare:<app> --config gunicorn.conf.py` (same worker class, workers, threads, keepalive).
import type { Framework } from './project.js';

export const BARE_MODULE = 'bench_bare';

const SOURCES: Record<Framework, { target: string; source: string }> = {
  fastapi: {
    target: `${BARE_MODULE}:app`,
    source: `"""Bench only: the bare FastAPI app (GET /health and nothing else)."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
`,
  },
  flask: {
    target: `${BARE_MODULE}:app`,
    source: `"""Bench only: the bare Flask app (GET /health and nothing else)."""

from flask import Flask

app = Flask(__name__)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
`,
  },
  django: {
    target: `${BARE_MODULE}:application`,
    source: `"""Bench only: the bare Django app (GET /health and nothing else), settings in this module."""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only-not-secret",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    MIDDLEWARE=[],
    DATABASES={},
    USE_I18N=False,
    USE_TZ=True,
)


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [path("health", health)]

from django.core.wsgi import get_wsgi_application  # noqa: E402  (after settings.configure)

application = get_wsgi_application()
`,
  },
};

export function bareApp(framework: Framework): { file: string; target: string; source: string } {
  const s = SOURCES[framework];
  return { file: `${BARE_MODULE}.py`, ...s };
}
