# Times Celery the way bench/run.ts times us: N no-op tasks submitted at once, the clock stopped
# when the last result is collected; idle submit-to-start one task at a time. Prints one JSON line.
import json
import os
import sys
import time

from tasks import app, noop


def main():
    tasks = int(os.environ.get("BENCH_TASKS", "1000"))
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    idle = int(os.environ.get("BENCH_IDLE", "50"))
    deadline = time.time() + 60
    while not app.control.ping(timeout=0.5):
        if time.time() > deadline:
            raise SystemExit("the celery worker did not answer a ping within 60 s")
    for r in [noop.delay() for _ in range(50)]:  # warm-up
        r.get(timeout=60)

    throughput = []
    for _ in range(runs):
        t0 = time.perf_counter()
        results = [noop.delay() for _ in range(tasks)]
        for r in results:
            r.get(timeout=300)
        throughput.append(tasks / (time.perf_counter() - t0))

    to_start = []
    to_result = []
    for _ in range(idle):
        t0 = time.time()
        started = noop.delay().get(timeout=60)
        to_result.append((time.time() - t0) * 1000)
        to_start.append((started - t0) * 1000)
    print(json.dumps({"tasksPerSecond": throughput, "idleToStartMs": to_start, "idleToResultMs": to_result}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
