"""The understanding core on the held-out test split, against issue 12's targets.

    .venv/bin/python bench/classification.py [--test FILE] [--train FILE] [--show-errors]

Trains on the shipped training corpus (src/complaints/demo/corpus/train.jsonl) exactly as the
product does, then reads every test complaint once and prints: accuracy and macro-F1 of business
type and cause, precision and recall of each flag, the unit accuracy of the whole routing (the
pure route() with the reference bank's rules from reference_bank.yaml; the form's branch_code,
else the branch the text names), the confusion matrices, the time to read one complaint (p50/p99
after warm-up, wall and CPU), the training time, and the reader's memory (RSS and tracemalloc in
a fresh process). No choice is tuned here: bench/classification_cv.py makes them on the training
corpus only.
"""

from __future__ import annotations

import argparse
import collections
import functools
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from classification_support import (
    ROOT,
    TEST_CORPUS,
    TRAINING_CORPUS,
    macro_f1,
    read_corpus,
    reference_bank,
)

from complaints.domain.understanding import (
    UNIT_CONFIDENCE_THRESHOLD,
    Reader,
    build_analyser,
    routing_verdict,
    train,
)
from complaints.domain.vocabulary import Flag

TARGET_UNIT_ACCURACY = 0.95
TARGET_FLAG = 0.9
TARGET_FLAGS = (Flag.INFORMATION_SECURITY, Flag.MEDIA, Flag.GROUP, Flag.MALICIOUS)
OTHER_FLAGS = (Flag.REPEAT, Flag.CONFIDENTIAL, Flag.VIP, Flag.AGGRESSIVE)
TARGET_P99_MS = 5.0
TARGET_MEMORY_MB = 150.0

# Run in a fresh interpreter: the memory the routing worker pays for the reader and its model.
_MEMORY_PROBE = """
import gc, sys, tracemalloc
sys.path.insert(0, {src!r})
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6
import numpy, opencc, yaml  # what any worker importing the package already has
gc.collect()
before = rss()
tracemalloc.start()
from complaints.domain.understanding import Model, Reader
model = Model.from_bytes(open({model!r}, "rb").read())
reader = Reader.build(model=model, branches={{"BR-001": "城东支行"}})
reader.read("我的信用卡年费被多扣了")
gc.collect()
traced = tracemalloc.get_traced_memory()[0] / 1e6
print(rss() - before, traced, "sklearn" in sys.modules)
"""


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)]


def matrix(title: str, truth: Sequence[str | None], predicted: Sequence[str | None]) -> None:
    labels = sorted({str(v) for v in [*truth, *predicted]})
    width = max(len(label) for label in labels) + 1
    short = {label: label[:6] for label in labels}
    print(f"\n{title} (rows: truth, columns: predicted)")
    print(" " * width + " ".join(f"{short[label]:>6}" for label in labels))
    counts = collections.Counter((str(t), str(p)) for t, p in zip(truth, predicted, strict=True))
    for row in labels:
        print(f"{row:<{width}}" + " ".join(f"{counts[(row, col)] or '.':>6}" for col in labels))


def flag_line(flag: Flag, records: Sequence, readings: Sequence, *, target: bool) -> bool:  # type: ignore[type-arg]
    tp = sum(flag in r.flags and flag in u.flags for r, u in zip(records, readings, strict=True))
    fp = sum(flag not in r.flags and flag in u.flags for r, u in zip(records, readings, strict=True))
    fn = sum(flag in r.flags and flag not in u.flags for r, u in zip(records, readings, strict=True))
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    met = precision >= TARGET_FLAG and recall >= TARGET_FLAG
    verdict = ("met" if met else "NOT MET") if target else "(no target)"
    print(
        f"  {flag:22s} precision {precision:.3f}  recall {recall:.3f}  (tp {tp}, fp {fp}, fn {fn}) {verdict}"
    )
    return met


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", type=Path, default=TRAINING_CORPUS)
    parser.add_argument("--test", type=Path, default=TEST_CORPUS)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()

    training, test = read_corpus(args.train), read_corpus(args.test)
    bank = reference_bank()
    print(f"training complaints {len(training)}, test complaints {len(test)}; load average {os.getloadavg()}")

    started = time.perf_counter()
    analyser = build_analyser()
    built = time.perf_counter() - started
    started = time.perf_counter()
    model = train([r.example() for r in training], analyser=analyser)
    trained = time.perf_counter() - started
    print(
        f"text pipeline built in {built:.2f} s; model {model.version} trained in {trained:.1f} s "
        f"({len(model.vocabulary)} features, {len(model.to_bytes()) / 1e6:.1f} MB as bytes)"
    )
    reader = Reader(analyser=analyser, model=model, branches=bank.branches)

    for record in training[:100]:  # warm-up: caches, branch patterns, numpy
        reader.read(record.text, demand=record.demand)
    readings, wall, cpu = [], [], []
    for record in test:
        wall_start, cpu_start = time.perf_counter(), time.thread_time()
        readings.append(reader.read(record.text, demand=record.demand))
        cpu.append((time.thread_time() - cpu_start) * 1000)
        wall.append((time.perf_counter() - wall_start) * 1000)

    accuracy = lambda t, p: sum(a == b for a, b in zip(t, p, strict=True)) / len(t)  # noqa: E731
    truth_type, pred_type = [r.business_type for r in test], [u.business_type for u in readings]
    truth_cause, pred_cause = [r.cause for r in test], [u.cause for u in readings]
    print("\nclassification")
    print(
        f"  business type  accuracy {accuracy(truth_type, pred_type):.3f}  "
        f"macro-F1 {macro_f1(truth_type, pred_type):.3f}"
    )
    print(
        f"  cause          accuracy {accuracy(truth_cause, pred_cause):.3f}  "
        f"macro-F1 {macro_f1(truth_cause, pred_cause):.3f}"
    )
    cards = [
        i for i, r in enumerate(test) if r.card is not None and readings[i].business_type == r.business_type
    ]
    print(
        f"  card kind      accuracy "
        f"{accuracy([test[i].card for i in cards], [readings[i].card for i in cards]):.3f}"
        f" (of the {len(cards)} card complaints typed as cards)"
    )
    print(
        "  business channel accuracy "
        f"{accuracy([r.business_channel for r in test], [u.business_channel for u in readings]):.3f}"
    )
    print(
        "  named branch   accuracy "
        f"{accuracy([r.named_branch for r in test], [u.named_branch for u in readings]):.3f}"
    )

    print("\nflags")
    flags_met = all([flag_line(f, test, readings, target=True) for f in TARGET_FLAGS])
    for flag in OTHER_FLAGS:
        flag_line(flag, test, readings, target=False)

    verdicts = [
        routing_verdict(u, unit_of=functools.partial(bank.unit_of, r))
        for r, u in zip(test, readings, strict=True)
    ]
    units = [v.unit for v in verdicts]
    truth_units = [r.unit for r in test]
    unit_accuracy = accuracy(truth_units, units)
    triaged = [i for i, v in enumerate(verdicts) if v.needs_triage]
    kept = [i for i, v in enumerate(verdicts) if not v.needs_triage]
    print("\nrouting (reference bank, first match wins)")
    print(
        f"  unit accuracy  {unit_accuracy:.3f}  "
        f"{'met' if unit_accuracy >= TARGET_UNIT_ACCURACY else 'NOT MET'}"
        f" (target {TARGET_UNIT_ACCURACY}; every case routed by its best reading)"
    )
    print(
        f"  marked for triage {len(triaged)} of {len(test)} ({len(triaged) / len(test):.1%}; "
        f"the reading's doubts, or unit confidence below {UNIT_CONFIDENCE_THRESHOLD}); unit accuracy of the "
        f"others {accuracy([truth_units[i] for i in kept], [units[i] for i in kept]):.3f}; of the triaged "
        f"{accuracy([truth_units[i] for i in triaged], [units[i] for i in triaged]) if triaged else 0:.3f}"
    )
    sent_to_triage = [bank.default_unit if verdicts[i].needs_triage else units[i] for i in range(len(test))]
    print(
        f"  unit accuracy if triaged cases count as misrouted to {bank.default_unit}: "
        f"{accuracy(truth_units, sent_to_triage):.3f}"
    )

    matrix("business type", truth_type, pred_type)
    matrix("unit", truth_units, units)

    print("\ntime to read one complaint (after warm-up)")
    p99 = percentile(wall, 0.99)
    print(
        f"  wall p50 {percentile(wall, 0.5):.2f} ms  p99 {p99:.2f} ms  max {max(wall):.2f} ms  "
        f"{'met' if p99 <= TARGET_P99_MS else 'NOT MET'} (target p99 {TARGET_P99_MS} ms)"
    )
    print(f"  CPU  p50 {percentile(cpu, 0.5):.2f} ms  p99 {percentile(cpu, 0.99):.2f} ms")
    long_texts = [wall[i] for i, r in enumerate(test) if len(r.text) >= 500]
    if long_texts:
        print(
            f"  complaints of 500+ characters: {len(long_texts)}, "
            f"wall p50 {percentile(long_texts, 0.5):.2f} ms"
        )

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "model.bin"
        path.write_bytes(model.to_bytes())
        probe = _MEMORY_PROBE.format(src=str(ROOT / "src"), model=str(path))
        # The image compiles bytecode at build (UV_COMPILE_BYTECODE); this environment may not
        # (PYTHONDONTWRITEBYTECODE), and compiling jieba's large tables costs memory of its own.
        # So: once compiling, once with the bytecode the first run left in a cache of its own.
        environment = {**os.environ, "PYTHONPYCACHEPREFIX": str(Path(directory) / "pycache")}
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
        measured = [
            subprocess.run(
                [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=environment
            ).stdout.split()
            for _ in range(2)
        ]
    print("\nmemory of a reader with its model, in a fresh process (RSS growth; tracemalloc)")
    labels = ("compiling bytecode", "precompiled bytecode")
    for label, (rss, traced, sklearn_loaded) in zip(labels, measured, strict=True):
        print(
            f"  {label:22s} RSS +{float(rss):.0f} MB, tracemalloc {float(traced):.0f} MB, "
            f"scikit-learn imported: {sklearn_loaded}"
        )
    worker_rss = float(measured[1][0])
    print(
        f"  as the image runs it: {'met' if worker_rss <= TARGET_MEMORY_MB else 'NOT MET'} "
        f"(target {TARGET_MEMORY_MB:.0f} MB)"
    )

    if args.show_errors:
        print("\nmisrouted")
        for record, reading, unit in zip(test, readings, units, strict=True):
            if unit != record.unit:
                print(f"  {record.id} {record.unit} → {unit} | {reading.explanation()[:300]}")
    return 0 if unit_accuracy >= TARGET_UNIT_ACCURACY and flags_met else 1


if __name__ == "__main__":
    sys.exit(main())
