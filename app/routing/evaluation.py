"""Scoring the ranking against the hand-labelled sets in data/.

`evaluation.csv` is the tuning set: the signals were written while reading its misses, so its
numbers flatter the model. `heldout.csv` was written afterwards and is never used to tune
anything; it is the honest measure (see data/README.md).
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from app.routing.engine import suggest

EVALUATION = Path(__file__).parent / "data" / "evaluation.csv"
HELDOUT = Path(__file__).parent / "data" / "heldout.csv"


@dataclass
class Score:
    n: int = 0
    top1: int = 0
    top3: int = 0
    by_kind: dict[str, Counter] = field(default_factory=dict)
    misses: list[tuple[str, list[str], str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.n

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.n


def evaluate(path: Path = EVALUATION) -> Score:
    """Top-1 and top-3 accuracy of `suggest` (needs an app context and the directory)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    score = Score(n=len(rows))
    started = time.perf_counter()
    for row in rows:
        ranked = [
            s.agency.code for s in suggest(row["text"], row["region_code"], row["category"] or None)
        ]
        kind = "regional" if row["agency_code"].startswith("PEM") else "central"
        counts = score.by_kind.setdefault(kind, Counter())
        counts["total"] += 1
        if ranked[:1] == [row["agency_code"]]:
            score.top1 += 1
            counts["top1"] += 1
        if row["agency_code"] in ranked[:3]:
            score.top3 += 1
            counts["top3"] += 1
        else:
            score.misses.append((row["agency_code"], ranked, row["text"][:90]))
    score.seconds = time.perf_counter() - started
    return score
