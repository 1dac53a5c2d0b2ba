"""bench/ui: the bench's data written into an MLflow SQLite store, in-process, with MLflow's own store.

Usage: python mlflow_seed.py DB_PATH RUNS POINTS ARTIFACT_ROOT
Writes experiment `bench-10k` (RUNS finished runs, each with 4 params, 3 metrics and a
`mlflow.source.name` tag, as bench/ui/run.mjs seeds mlproject's store) and experiment `bench-chart`
(one run whose metric `loss` has POINTS points), through
mlflow.store.tracking.sqlalchemy_store.SqlAlchemyStore (create_run, log_batch, update_run_info: the
calls the tracking server makes for the same REST requests), and prints one JSON line with the ids.
SQLite's `synchronous` is OFF while seeding (no fsync per commit; the file is only used after this
process has exited).
"""
import json
import math
import random
import sys
import time

from sqlalchemy import event

from mlflow.entities import Metric, Param, RunStatus, RunTag
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore


def js_number(x):
    """str() of a float as JavaScript's String() writes it (0.0 -> "0"), so params read the same."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def no_fsync(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


def main():
    db_path, runs, points, artifact_root = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    store = SqlAlchemyStore(f"sqlite:///{db_path}", artifact_root)
    event.listen(store.engine, "connect", no_fsync)
    store.engine.dispose()  # connections opened from here on get the pragma

    t0 = time.time()
    experiment_id = store.create_experiment("bench-10k")
    chart_experiment_id = store.create_experiment("bench-chart")
    base = int(time.time() * 1000) - runs * 60_000
    finished = RunStatus.FINISHED
    for i in range(runs):
        start = base + i * 60_000
        run_id = store.create_run(experiment_id, "bench", start, [], f"run-{i:05d}").info.run_id
        alpha = (i % 100) / 100
        store.log_batch(
            run_id,
            metrics=[
                Metric("rmse", 0.5 + math.sin(i) * 0.3, start + 1000, 9),
                Metric("mae", 0.4 + math.cos(i) * 0.2, start + 1000, 9),
                Metric("r2", 0.8 - alpha / 4, start + 1000, 9),
            ],
            params=[
                Param("alpha", js_number(alpha)),
                Param("l1_ratio", js_number((i % 7) / 7)),
                Param("seed", str(i)),
                Param("model", "elasticnet" if i % 2 else "ridge"),
            ],
            tags=[RunTag("mlflow.source.name", "examples/sklearn-linear/train.py")],
        )
        store.update_run_info(run_id, finished, start + 42_000, None)
    seed_runs = time.time() - t0

    t0 = time.time()
    chart_run_id = store.create_run(chart_experiment_id, "bench", int(time.time() * 1000), [], "long-training").info.run_id
    for s in range(0, points, 1000):
        metrics = [
            Metric("loss", 1 / (1 + step / 1000) + random.random() * 0.05, base + step, step)
            for step in range(s, min(points, s + 1000))
        ]
        store.log_batch(chart_run_id, metrics=metrics, params=[], tags=[])
    store.update_run_info(chart_run_id, finished, int(time.time() * 1000), None)
    seed_points = time.time() - t0
    store.engine.dispose()
    print(json.dumps({
        "experimentId": experiment_id,
        "chartExperimentId": chart_experiment_id,
        "chartRunId": chart_run_id,
        "runs": runs,
        "points": points,
        "seedRunsS": round(seed_runs, 1),
        "seedPointsS": round(seed_points, 1),
    }))


if __name__ == "__main__":
    main()
