"""Fitting the model from labelled complaints: a pure function of the examples and parameters.

The same examples and parameters always give the same model (fixed random_state, ordered
features) and the same `version`, a hash of both and of the text pipeline's data, which every
routing event can record. scikit-learn is imported here only, never when reading.
"""

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from importlib.resources import files

import numpy as np

from complaints.domain.understanding.document import Analyser, build_analyser
from complaints.domain.understanding.features import features
from complaints.domain.understanding.model import Head, Model
from complaints.domain.vocabulary import BusinessChannel, BusinessType, CardKind, Cause, Flag

# Raise when the text pipeline changes what features a text gives (weights, segmentation rules).
PIPELINE_VERSION = 1


class TrainingRefused(ValueError):
    """Too few labels to fit a model that could be trusted; the message says which."""


@dataclass(frozen=True)
class Example:
    text: str
    business_type: BusinessType
    cause: Cause
    demand: str | None = None
    # Only for bank_cards complaints; None where not known.
    card: CardKind | None = None
    business_channel: BusinessChannel | None = None
    # The flags that hold; None where the example was not labelled for flags (a corrected case
    # whose flags nobody checked), which leaves it out of the flag heads.
    flags: frozenset[Flag] | None = None


# Flags whose detectors have a learned second opinion (flags/__init__.py); each needs at least
# `min_examples_per_class` positive and negative examples, or its head is not trained. Not
# malicious: cross-validation showed no gain from it, and a model that has seen "再不…我就…"
# threats would call a lawful threat to go to the press or the regulator malicious.
LEARNED_FLAGS = (
    Flag.INFORMATION_SECURITY,
    Flag.MEDIA,
    Flag.GROUP,
    Flag.REPEAT,
    Flag.CONFIDENTIAL,
    Flag.VIP,
    Flag.AGGRESSIVE,
)


def flag_head(flag: Flag) -> str:
    return f"flag:{flag}"


@dataclass(frozen=True)
class TrainingParameters:
    """Chosen by cross-validation on the shipped corpus (bench/classification_cv.py)."""

    char_ngrams: tuple[int, int] = (1, 2)
    min_document_frequency: int = 2
    max_features: int = 60_000
    regularisation: float = 30.0  # LogisticRegression's C
    min_examples_per_class: int = 5
    random_state: int = 0


HEADS = ("business_type", "cause", "card", "business_channel")


def _labels(example: Example, head: str) -> str | None:
    if head.startswith("flag:"):
        if example.flags is None:
            return None
        return "yes" if Flag(head.removeprefix("flag:")) in example.flags else "no"
    value = {
        "business_type": example.business_type,
        "cause": example.cause,
        "card": example.card if example.business_type is BusinessType.BANK_CARDS else None,
        "business_channel": example.business_channel,
    }[head]
    return None if value is None else str(value)


def check_labels(examples: Sequence[Example], *, min_per_class: int) -> None:
    """Refuse when any head has a class with fewer than `min_per_class` examples, or one class only.

    The card and channel heads are trained only when some examples carry those labels at all."""
    problems: list[str] = []
    for head in HEADS:
        counts = Counter(label for e in examples if (label := _labels(e, head)) is not None)
        if not counts and head in ("card", "business_channel"):
            continue
        rare = sorted(f"{label} ({n})" for label, n in counts.items() if n < min_per_class)
        if rare:
            problems.append(f"{head}: {', '.join(rare)}")
        if len(counts) < 2:
            problems.append(f"{head}: needs at least two classes, has {len(counts)}")
    if problems:
        raise TrainingRefused(
            f"too few labelled examples to train (at least {min_per_class} per class): " + "; ".join(problems)
        )


def _pipeline_fingerprint() -> str:
    package = files(__package__)
    data = b"".join(package.joinpath(name).read_bytes() for name in ("lexicon.yaml", "banking_terms.txt"))
    return f"{PIPELINE_VERSION}:{hashlib.sha256(data).hexdigest()}"


def model_version(examples: Sequence[Example], parameters: TrainingParameters) -> str:
    digest = hashlib.sha256()
    digest.update(_pipeline_fingerprint().encode())
    digest.update(json.dumps(asdict(parameters), sort_keys=True).encode())
    for example in examples:
        fields = asdict(example)
        fields["flags"] = None if example.flags is None else sorted(example.flags)
        digest.update(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode())
    return "m" + digest.hexdigest()[:16]


def train(
    examples: Sequence[Example],
    *,
    analyser: Analyser | None = None,
    parameters: TrainingParameters = TrainingParameters(),
) -> Model:
    """Fit every head on `examples`; refuses (TrainingRefused) when labels are too few.

    `analyser`: the text pipeline (built from the shipped files when not given; pass the
    Reader's to save the second it takes to build)."""
    check_labels(examples, min_per_class=parameters.min_examples_per_class)
    analyser = analyser or build_analyser()
    counts = [
        features(analyser.read(e.text, demand=e.demand), char_ngrams=parameters.char_ngrams) for e in examples
    ]
    return fit(counts, examples, parameters=parameters)


def fit(
    counts: Sequence[Mapping[str, float]], examples: Sequence[Example], *, parameters: TrainingParameters
) -> Model:
    """The model from each example's feature counts (features.py); `train` without the reading."""
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
    from sklearn.feature_extraction.text import TfidfTransformer  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    document_frequency = Counter(feature for c in counts for feature in c)
    kept = [f for f, n in document_frequency.items() if n >= parameters.min_document_frequency]
    # The most frequent features first, ties by name: the same data always gives the same columns.
    kept.sort(key=lambda f: (-document_frequency[f], f))
    vocabulary = {feature: index for index, feature in enumerate(sorted(kept[: parameters.max_features]))}

    rows, columns, values = [], [], []
    for row, c in enumerate(counts):
        for feature, count in c.items():
            column = vocabulary.get(feature)
            if column is not None and count > 0:
                rows.append(row)
                columns.append(column)
                values.append(float(np.log1p(count)))
    matrix = csr_matrix((values, (rows, columns)), shape=(len(examples), len(vocabulary)), dtype=np.float64)
    tfidf = TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=False)
    weighted = tfidf.fit_transform(matrix)

    heads: dict[str, Head] = {}
    for head in [*HEADS, *(flag_head(flag) for flag in LEARNED_FLAGS)]:
        labelled = [(i, label) for i, e in enumerate(examples) if (label := _labels(e, head)) is not None]
        per_class = Counter(label for _, label in labelled)
        if len(per_class) < 2 or min(per_class.values()) < parameters.min_examples_per_class:
            continue  # the main heads were checked above; a flag without enough examples has no head
        index = [i for i, _ in labelled]
        classifier = LogisticRegression(
            C=parameters.regularisation,
            # saga: seconds where lbfgs takes minutes on these sparse features; seeded, so repeatable.
            solver="saga",
            tol=1e-3,
            max_iter=2000,
            random_state=parameters.random_state,
            # A flag is rare; weighting the classes keeps its head from always answering "no".
            class_weight="balanced" if head.startswith("flag:") else None,
        )
        classifier.fit(weighted[index], [label for _, label in labelled])
        coef = np.asarray(classifier.coef_, dtype=np.float32).T
        intercept = np.asarray(classifier.intercept_, dtype=np.float32)
        if len(classifier.classes_) == 2:
            # Binary: one column for the second class; the first scores zero (softmax = sigmoid).
            coef = np.hstack([np.zeros_like(coef), coef])
            intercept = np.asarray([0.0, intercept[0]], dtype=np.float32)
        heads[head] = Head(classes=tuple(str(c) for c in classifier.classes_), coef=coef, intercept=intercept)
    return Model(
        version=model_version(examples, parameters),
        vocabulary=vocabulary,
        idf=np.asarray(tfidf.idf_, dtype=np.float32),
        heads=heads,
        parameters={**asdict(parameters), "pipeline": _pipeline_fingerprint()},
    )
