# Celery side of `npm run bench` (bench/celery.ts): one no-op task, Redis as broker and result
# backend on the loopback port the bench chose, JSON serialization, otherwise Celery's defaults.
import os
import time

from celery import Celery

_port = os.environ["BENCH_REDIS_PORT"]
app = Celery(
    "bench",
    broker=f"redis://127.0.0.1:{_port}/0",
    backend=f"redis://127.0.0.1:{_port}/1",
)
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    worker_hijack_root_logger=False,
    broker_connection_retry_on_startup=True,
)


@app.task
def noop():
    """Does nothing; returns when it started (time.time()), for submit-to-start."""
    return time.time()
