"""Training: refused on too few labels, deterministic, versioned, and round-tripped through bytes."""

import dataclasses
from collections.abc import Callable

import pytest

from complaints.domain.understanding import (
    Analyser,
    Example,
    Model,
    ModelFormatError,
    Reader,
    TrainingParameters,
    TrainingRefused,
    model_version,
    parse_lines,
    train,
)
from complaints.domain.understanding.features import features
from complaints.domain.vocabulary import BusinessType, Cause

from .conftest import shipped_corpus_lines

SMALL = TrainingParameters(min_examples_per_class=2)


@pytest.fixture(scope="module")
def few() -> list[Example]:
    """A few hundred shipped examples, every class of the two main questions at least twice."""
    records = parse_lines(shipped_corpus_lines())
    chosen = records[::6]
    for field in ("business_type", "cause"):
        for value in {getattr(r, field) for r in records}:
            chosen += [r for r in records if getattr(r, field) == value][:2]
    return [r.example() for r in chosen]


def test_too_few_labels_per_class_is_refused_with_the_classes_named(analyser: Analyser) -> None:
    examples = [
        Example(text="信用卡年费多扣了", business_type=BusinessType.BANK_CARDS, cause=Cause.FEES),
        Example(text="房贷利率算错了", business_type=BusinessType.LOANS, cause=Cause.FEES),
    ] * 3

    with pytest.raises(TrainingRefused, match=r"at least 5 per class.*bank_cards \(3\).*loans \(3\)"):
        train(examples, analyser=analyser)


def test_one_class_only_is_refused(analyser: Analyser) -> None:
    examples = [Example(text="信用卡年费多扣了", business_type=BusinessType.BANK_CARDS, cause=Cause.FEES)] * 9

    with pytest.raises(TrainingRefused, match="needs at least two classes"):
        train(examples, analyser=analyser)


def test_training_is_deterministic(analyser: Analyser, few: list[Example]) -> None:
    first = train(few, analyser=analyser, parameters=SMALL)
    second = train(few, analyser=analyser, parameters=SMALL)

    assert first.version == second.version
    assert first.to_bytes() == second.to_bytes()


def test_the_version_changes_with_the_data_and_the_parameters(few: list[Example]) -> None:
    base = model_version(few, SMALL)
    relabelled = [dataclasses.replace(few[0], cause=Cause.OTHER), *few[1:]]

    assert model_version(few, SMALL) == base
    assert model_version(relabelled, SMALL) != base
    assert model_version(few, dataclasses.replace(SMALL, regularisation=1.0)) != base


def test_a_model_survives_the_round_trip_through_bytes(analyser: Analyser, model: Model) -> None:
    loaded = Model.from_bytes(model.to_bytes())
    text = "我的信用卡被盗刷了两万,银行说要我自己承担"

    assert loaded.version == model.version
    vector = features(analyser.read(text))
    assert loaded.all_probabilities(loaded.vector(vector)) == model.all_probabilities(model.vector(vector))
    assert Reader(analyser=analyser, model=loaded).read(text) == Reader(analyser=analyser, model=model).read(
        text
    )


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: b"not a model at all",
        lambda data: data[: len(data) // 2],
        lambda data: data[:40] + b"x" * 20 + data[60:],
    ],
)
def test_damaged_bytes_are_refused_cleanly(model: Model, damage: Callable[[bytes], bytes]) -> None:
    with pytest.raises(ModelFormatError):
        Model.from_bytes(damage(model.to_bytes()))


def test_the_reader_records_the_model_version(reader: Reader, model: Model) -> None:
    assert reader.read("信用卡年费多扣了").model_version == model.version
    assert model.version.startswith("m")
    assert len(model.version) == 17
