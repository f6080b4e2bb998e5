"""One text pipeline and one model per test session: building them takes seconds, reading is fast.

The model is trained on the corpus shipped with the demo bank, exactly as the product trains it,
so these tests check what the product will do, not what a toy model does.
"""

from importlib.resources import files

import pytest

from complaints.domain.understanding import (
    Analyser,
    Model,
    Reader,
    build_analyser,
    parse_lines,
    train,
)

BRANCHES = {"BR-001": "城东支行", "BR-002": "城西支行", "BR-003": "高新支行"}


def shipped_corpus_lines() -> list[str]:
    return files("complaints.demo").joinpath("corpus/train.jsonl").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="session")
def analyser() -> Analyser:
    return build_analyser()


@pytest.fixture(scope="session")
def model(analyser: Analyser) -> Model:
    return train([record.example() for record in parse_lines(shipped_corpus_lines())], analyser=analyser)


@pytest.fixture(scope="session")
def reader(analyser: Analyser, model: Model) -> Reader:
    return Reader(analyser=analyser, model=model, branches=BRANCHES)
