"""gunicorn's settings for scripts/web.sh: a finished worker's live metrics are dropped; the limits
on a request's line and headers are gunicorn's largest, so that AidFlow's own, lower limits
(aidflow.core.middleware.RequestSizeMiddleware) answer an over-long request: 414 or 431, in JSON on
the API, rather than gunicorn's plain-text 400. Beyond these, gunicorn still refuses by itself."""

import os

limit_request_line = 8190  # AidFlow answers 414 above 4094
limit_request_field_size = 16380  # AidFlow answers 431 above 8190
limit_request_fields = 100


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
