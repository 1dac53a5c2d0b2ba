"""bench/tracking client: the same MLflow client workload against any tracking server.

Creates `--runs` runs; each gets `--params` params in one `mlflow.log_params` call (one log-batch
request), then `--metric-points` points in all through `mlflow.log_metric` (one request each, spread
evenly over the runs, inside each run's `mlflow.start_run()`), then `--batch-points` more through
`MlflowClient().log_batch` (`--batch` points per request, round-robin over the runs). Times every
request with time.perf_counter and prints one JSON object on stdout (MLflow's own "View run" lines
go to stderr).

    python client.py --tracking-uri http://127.0.0.1:5000 [--runs 100] [--params 100]
                     [--metric-points 100000] [--batch-points 100000] [--batch 1000] [--keys 10]
"""

import argparse
import contextlib
import json
import random
import sys
import time

import mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric


def percentile(sorted_ms, q):
    """Nearest-rank percentile of an ascending list (ms)."""
    if not sorted_ms:
        return None
    rank = max(1, min(len(sorted_ms), round(q / 100 * len(sorted_ms) + 0.5)))
    return sorted_ms[rank - 1]


def summary(name, points, wall_s, latencies_s):
    ms = sorted(x * 1000 for x in latencies_s)
    r2 = lambda x: None if x is None else round(x, 2)  # noqa: E731
    return {
        "phase": name,
        "requests": len(ms),
        "points": points,
        "wall_s": round(wall_s, 3),
        "points_per_s": round(points / wall_s, 1) if wall_s > 0 else None,
        "requests_per_s": round(len(ms) / wall_s, 1) if wall_s > 0 else None,
        "p50_ms": r2(percentile(ms, 50)),
        "p95_ms": r2(percentile(ms, 95)),
        "p99_ms": r2(percentile(ms, 99)),
        "max_ms": r2(ms[-1] if ms else None),
    }


def split(total, parts):
    """`total` as `parts` near-equal non-negative integers."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tracking-uri", required=True)
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--params", type=int, default=100)
    ap.add_argument("--metric-points", type=int, default=100_000, help="points through mlflow.log_metric")
    ap.add_argument("--batch-points", type=int, default=100_000, help="points through MlflowClient().log_batch")
    ap.add_argument("--batch", type=int, default=1000, help="points per log_batch request")
    ap.add_argument("--keys", type=int, default=10, help="metric keys per run; steps advance per key")
    ap.add_argument("--experiment", default=f"bench-tracking-{int(time.time() * 1000)}")
    args = ap.parse_args()
    with contextlib.redirect_stdout(sys.stderr):
        result = workload(args)
    print(json.dumps(result))


def workload(args):

    mlflow.set_tracking_uri(args.tracking_uri)
    client = MlflowClient()
    rng = random.Random(0)
    experiment_id = mlflow.create_experiment(args.experiment)

    started = time.perf_counter()
    run_ids = []
    create_lat, params_lat, metric_lat = [], [], []
    create_wall = params_wall = metric_wall = 0.0
    for i, n_points in enumerate(split(args.metric_points, args.runs)):
        t0 = time.perf_counter()
        run = mlflow.start_run(experiment_id=experiment_id, run_name=f"run-{i}")
        create_lat.append(time.perf_counter() - t0)
        create_wall += create_lat[-1]
        run_ids.append(run.info.run_id)

        params = {f"param_{j}": f"value-{i}-{j}" for j in range(args.params)}
        t0 = time.perf_counter()
        mlflow.log_params(params)
        params_lat.append(time.perf_counter() - t0)
        params_wall += params_lat[-1]

        phase0 = time.perf_counter()
        for s in range(n_points):
            value = rng.random()
            t0 = time.perf_counter()
            mlflow.log_metric(f"metric_{s % args.keys}", value, step=s // args.keys)
            metric_lat.append(time.perf_counter() - t0)
        metric_wall += time.perf_counter() - phase0
        mlflow.end_run()

    batch_lat = []
    batches = split(args.batch_points, max(1, -(-args.batch_points // args.batch)))
    phase0 = time.perf_counter()
    for b, size in enumerate(batches):
        run_id = run_ids[b % len(run_ids)]
        now = int(time.time() * 1000)
        metrics = [Metric(f"batch_{s % args.keys}", rng.random(), now, b * args.batch + s) for s in range(size)]
        t0 = time.perf_counter()
        client.log_batch(run_id, metrics=metrics)
        batch_lat.append(time.perf_counter() - t0)
    batch_wall = time.perf_counter() - phase0
    total_wall = time.perf_counter() - started

    # Were the points really written? One key of each phase in the first run, read back.
    expect_metric = len(range(0, split(args.metric_points, args.runs)[0], args.keys))
    expect_batch = sum(len(range(0, size, args.keys)) for b, size in enumerate(batches) if b % len(run_ids) == 0)
    check = {
        "run": run_ids[0],
        "metric_0": {"expected": expect_metric, "read_back": len(client.get_metric_history(run_ids[0], "metric_0"))},
        "batch_0": {"expected": expect_batch, "read_back": len(client.get_metric_history(run_ids[0], "batch_0"))},
    }

    return {
        "tracking_uri": args.tracking_uri,
        "mlflow": mlflow.__version__,
        "python": sys.version.split()[0],
        "runs": args.runs,
        "params_per_run": args.params,
        "metric_points": args.metric_points,
        "batch_points": args.batch_points,
        "batch": args.batch,
        "phases": [
            summary("create_run", 0, create_wall, create_lat),
            summary("log_params", args.runs * args.params, params_wall, params_lat),
            summary("log_metric", args.metric_points, metric_wall, metric_lat),
            summary("log_batch", args.batch_points, batch_wall, batch_lat),
        ],
        "total_wall_s": round(total_wall, 3),
        "check": check,
    }


if __name__ == "__main__":
    main()
