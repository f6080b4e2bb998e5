"""Cross-validation on the TRAINING corpus, for every choice the understanding core makes.

    .venv/bin/python bench/classification_cv.py [--corpus FILE ...] [--folds 5] [--C 10] ...

Stratified k-fold on business type (fixed seed). Never reads the held-out test split. Prints the
accuracy of each answer, the flags' precision and recall, the unit accuracy of the whole routing,
and how confidence thresholds trade triage volume against accuracy.
"""

from __future__ import annotations

import argparse
import collections
import functools
import random
import sys
import time
from pathlib import Path

from classification_support import TRAINING_CORPUS, macro_f1, read_corpus, reference_bank

from complaints.domain.understanding import Reader, TrainingParameters, Tuning, build_analyser
from complaints.domain.understanding.features import features
from complaints.domain.understanding.training import fit
from complaints.domain.understanding.unit_confidence import UNIT_CONFIDENCE_THRESHOLD, unit_confidence
from complaints.domain.vocabulary import Flag

FLAGS = [Flag.INFORMATION_SECURITY, Flag.MEDIA, Flag.GROUP, Flag.MALICIOUS, Flag.REPEAT,
         Flag.CONFIDENTIAL, Flag.VIP, Flag.AGGRESSIVE]  # fmt: skip


TRIAGE_SWEEP = [
    (0.0, 0.0, 0.0), (0.3, 0.1, 0.5), (0.35, 0.15, 0.5), (0.4, 0.2, 0.55), (0.45, 0.2, 0.6),
    (0.5, 0.25, 0.6), (0.5, 0.35, 0.6),
]  # fmt: skip


def folds(labels: list[str], k: int, seed: int) -> list[list[int]]:
    by_label: dict[str, list[int]] = collections.defaultdict(list)
    for index, label in enumerate(labels):
        by_label[label].append(index)
    rng = random.Random(seed)
    assigned: list[list[int]] = [[] for _ in range(k)]
    position = 0
    for label in sorted(by_label):
        members = by_label[label]
        rng.shuffle(members)
        for index in members:
            assigned[position % k].append(index)
            position += 1
    return assigned


def evaluate(records, readings, bank, *, show_errors: bool = False) -> float:
    order = range(len(records))
    truth_type = [records[i].business_type for i in order]
    pred_type = [readings[i].business_type for i in order]
    truth_cause = [records[i].cause for i in order]
    pred_cause = [readings[i].cause for i in order]
    accuracy = lambda t, p: sum(a == b for a, b in zip(t, p, strict=True)) / max(len(t), 1)  # noqa: E731
    print(
        f"business type accuracy {accuracy(truth_type, pred_type):.3f} "
        f"macro-F1 {macro_f1(truth_type, pred_type):.3f}"
    )
    print(
        f"cause         accuracy {accuracy(truth_cause, pred_cause):.3f} "
        f"macro-F1 {macro_f1(truth_cause, pred_cause):.3f}"
    )
    cards = [
        i
        for i in order
        if records[i].card is not None and readings[i].business_type == records[i].business_type
    ]
    card_accuracy = accuracy([records[i].card for i in cards], [readings[i].card for i in cards])
    print(f"card kind     accuracy {card_accuracy:.3f} (of {len(cards)} card cases typed right)")
    channels = ([records[i].business_channel for i in order], [readings[i].business_channel for i in order])
    print(f"channel       accuracy {accuracy(*channels):.3f}")
    branches = ([records[i].named_branch for i in order], [readings[i].named_branch for i in order])
    print(f"named branch  accuracy {accuracy(*branches):.3f}")
    for flag in FLAGS:
        tp = sum(flag in records[i].flags and flag in readings[i].flags for i in order)
        fp = sum(flag not in records[i].flags and flag in readings[i].flags for i in order)
        fn = sum(flag in records[i].flags and flag not in readings[i].flags for i in order)
        print(
            f"flag {flag:22s} precision {tp / max(tp + fp, 1):.3f} recall {tp / max(tp + fn, 1):.3f}  "
            f"(tp {tp} fp {fp} fn {fn})"
        )
    units = [bank.unit_of(records[i], readings[i]) for i in order]
    truth_units = [records[i].unit for i in order]
    unit_accuracy = accuracy(truth_units, units)
    print(f"unit accuracy {unit_accuracy:.3f}")
    kept = [i for i in order if not readings[i].needs_triage]
    triaged_as_default = [bank.default_unit if readings[i].needs_triage else units[i] for i in order]
    print(
        f"triage {1 - len(kept) / len(records):.3f}; unit accuracy of the rest "
        f"{accuracy([truth_units[i] for i in kept], [units[i] for i in kept]):.3f}; "
        f"triage counted as {bank.default_unit}: {accuracy(truth_units, triaged_as_default):.3f}"
    )
    confidence = [
        unit_confidence(readings[i], unit_of=functools.partial(bank.unit_of, records[i])) for i in order
    ]
    for threshold in (0.5, 0.6, 0.7, 0.8):
        rest = [i for i in order if confidence[i] >= threshold and not readings[i].needs_triage]
        print(
            f"unit confidence ≥ {threshold} and no question below its threshold: triage "
            f"{1 - len(rest) / len(records):.3f}, unit accuracy of the rest "
            f"{accuracy([truth_units[i] for i in rest], [units[i] for i in rest]):.3f}"
        )
    print(
        f"triage thresholds (business type, cause, card) and unit confidence ≥ {UNIT_CONFIDENCE_THRESHOLD} "
        "→ share triaged, unit accuracy of the rest:"
    )
    for business_type, cause, card in TRIAGE_SWEEP:
        limits = {"business type": business_type, "cause": cause, "card": card}
        rest = [
            i
            for i in order
            if all(readings[i].confidences.get(k, 1.0) >= v for k, v in limits.items())
            and confidence[i] >= UNIT_CONFIDENCE_THRESHOLD
        ]
        print(
            f"  {business_type:.2f} {cause:.2f} {card:.2f} → {1 - len(rest) / len(records):.3f}, "
            f"{accuracy([truth_units[i] for i in rest], [units[i] for i in rest]):.3f}"
        )
    reasons = collections.Counter(
        reason.split(":")[0] for i in order for reason in readings[i].triage_reasons
    )
    print("triage reasons", dict(reasons.most_common()))
    confusion = collections.Counter((truth_units[i], units[i]) for i in order if truth_units[i] != units[i])
    print(
        "unit errors (truth → routed):", ", ".join(f"{a}→{b} {n}" for (a, b), n in confusion.most_common(15))
    )
    if show_errors:
        for i in order:
            if truth_units[i] != units[i]:
                r = records[i]
                print(
                    f"  {r.id} {r.unit}→{units[i]} | {r.business_type}/{r.card}/{r.cause} "
                    f"{sorted(r.flags)} | "
                    f"{readings[i].explanation()[:400]}"
                )
                print(f"      {r.text[:160]}")
    return unit_accuracy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", nargs="*", type=Path, default=[TRAINING_CORPUS])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--C", type=float, nargs="*", default=[TrainingParameters().regularisation])
    parser.add_argument("--ngrams", default=",".join(map(str, TrainingParameters().char_ngrams)))
    parser.add_argument("--min-df", type=int, default=TrainingParameters().min_document_frequency)
    parser.add_argument("--min-word-frequency", type=int, default=None)
    parser.add_argument("--no-hmm", action="store_true")
    parser.add_argument("--lexicon-weight", type=float, nargs="*", default=[Tuning().lexicon_weight])
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()

    records = [r for path in args.corpus for r in read_corpus(path)]
    low, high = (int(n) for n in args.ngrams.split(","))
    options: dict[str, object] = {"hmm": not args.no_hmm}
    if args.min_word_frequency:
        options["min_word_frequency"] = args.min_word_frequency
    analyser = build_analyser(**options)  # type: ignore[arg-type]
    bank = reference_bank()
    started = time.perf_counter()
    documents = [analyser.read(r.text, demand=r.demand) for r in records]
    counts = [features(d, char_ngrams=(low, high)) for d in documents]
    print(f"{len(records)} training complaints read in {time.perf_counter() - started:.1f} s")
    for regularisation in args.C:
        parameters = TrainingParameters(
            regularisation=regularisation,
            char_ngrams=(low, high),
            min_document_frequency=args.min_df,
            min_examples_per_class=1,
        )
        models = []
        started = time.perf_counter()
        splits = folds([r.business_type for r in records], args.folds, args.seed)
        for fold in splits:
            held = set(fold)
            kept = [i for i in range(len(records)) if i not in held]
            models.append(
                fit([counts[i] for i in kept], [records[i].example() for i in kept], parameters=parameters)
            )
        print(f"== {parameters} trained {args.folds} folds in {time.perf_counter() - started:.1f} s")
        for weight in args.lexicon_weight:
            readings = {}
            for fold, model in zip(splits, models, strict=True):
                reader = Reader(
                    analyser=analyser,
                    model=model,
                    branches=bank.branches,
                    tuning=Tuning(lexicon_weight=weight),
                )
                for index in fold:
                    readings[index] = reader.understand(documents[index])
            print(f"-- C={regularisation} lexicon weight {weight}")
            evaluate(records, readings, bank, show_errors=args.show_errors)


if __name__ == "__main__":
    sys.exit(main())
