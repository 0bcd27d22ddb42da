"""Routing accuracy on the hand-labelled sets in app/routing/data/.

Prints top-1 and top-3 accuracy, overall and by the kind of agency that was right, and the
misses, for the tuning set (evaluation.csv, whose misses the signals were written from) and
the held-out set (heldout.csv, never tuned on: the honest number).

    .venv/bin/python bench/routing.py [--misses 20]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", type=int, default=20, help="how many misses to list")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="suara-routing-") as instance:
        os.environ.update(SUARA_ENV="testing", SUARA_INSTANCE=instance)
        from flask_migrate import upgrade

        from app import create_app
        from app.directory.operations import load_directory
        from app.extensions import db
        from app.routing.evaluation import EVALUATION, HELDOUT, evaluate

        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/routing.db"})
        with app.app_context():
            upgrade()
            load_directory()
            db.session.commit()
            results = [("tuning set", EVALUATION, evaluate(EVALUATION))]
            results.append(("held-out set", HELDOUT, evaluate(HELDOUT)))
            db.engine.dispose()
    for label, path, result in results:
        print(f"Routing, {label}: {result.n} hand-labelled complaints ({path.relative_to(ROOT)})")
        print(f"  top-1 accuracy  {result.top1_rate:.3f}")
        print(f"  top-3 accuracy  {result.top3_rate:.3f}")
        for kind, counts in sorted(result.by_kind.items()):
            print(
                f"  {kind:9} n={counts['total']:3}  top-1 {counts['top1'] / counts['total']:.3f}"
                f"  top-3 {counts['top3'] / counts['total']:.3f}"
            )
        print(f"  {1000 * result.seconds / result.n:.1f} ms per suggestion")
        for expected, ranked, text in result.misses[: args.misses]:
            print(f"  miss: want {expected:12} got {', '.join(ranked):36} {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
