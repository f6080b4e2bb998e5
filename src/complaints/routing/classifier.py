"""The classifier routing reads complaints with: the active model from the database, and how a
new one is trained, judged on the held-out split and installed.

Every routing worker reads the same active model (classifier_models); a newly installed one is
picked up by the next job, without a restart. With no model, or one that cannot be read, the
worker says so once and routes on the lexicon alone, every such case marked for triage.
"""

import functools
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import ClassifierModel
from complaints.domain import routing
from complaints.domain.rulebook import Rulebook
from complaints.domain.understanding import (
    Analyser,
    LabelledComplaint,
    Model,
    ModelFormatError,
    Reader,
    build_analyser,
    parse_lines,
    train,
)
from complaints.domain.vocabulary import Channel, Severity, Source
from complaints.routing.corrections import correction_examples

log = logging.getLogger(__name__)

_CORPUS = files("complaints.demo") / "corpus"


def shipped_corpus() -> list[LabelledComplaint]:
    """The demo bank's labelled complaints the model is trained from."""
    return parse_lines((_CORPUS / "train.jsonl").read_text(encoding="utf-8").splitlines())


def held_out_corpus() -> list[LabelledComplaint]:
    """Complaints no training ever sees: what a new model is judged on."""
    return parse_lines((_CORPUS / "held_out.jsonl").read_text(encoding="utf-8").splitlines())


def branches_of(rulebook: Rulebook) -> dict[str, str]:
    """The configured branches by code, with the names a complainant may use for them."""
    return {code: rulebook.unit_names[code] for code, kind in rulebook.units.items() if kind == "branch"}


class ReaderCache:
    """One Reader per process; rebuilt only when another model is activated or branches change."""

    def __init__(self) -> None:
        self._analyser: Analyser | None = None
        self._reader: Reader | None = None
        self._key: tuple[str | None, tuple[tuple[str, str], ...]] | None = None

    async def get(self, session: AsyncSession, *, rulebook: Rulebook) -> Reader:
        version = await session.scalar(select(ClassifierModel.version).where(ClassifierModel.active))
        branches = branches_of(rulebook)
        key = (version, tuple(sorted(branches.items())))
        if self._reader is None or key != self._key:
            self._analyser = self._analyser or build_analyser()
            model = await self._load(session, version)
            self._reader = Reader(analyser=self._analyser, model=model, branches=branches)
            self._key = key
        return self._reader

    @staticmethod
    async def _load(session: AsyncSession, version: str | None) -> Model | None:
        if version is None:
            log.error(
                "no classifier model installed; every case goes to triage (complaints classifier train)"
            )
            return None
        data = await session.scalar(select(ClassifierModel.model).where(ClassifierModel.version == version))
        try:
            return Model.from_bytes(data or b"")
        except ModelFormatError as error:
            log.error("classifier model %s cannot be read (%s): every case goes to triage", version, error)
            return None


def unit_accuracy(reader: Reader, held_out: Sequence[LabelledComplaint], rulebook: Rulebook) -> float:
    """The share of held-out complaints the whole routing sends to their labelled unit."""
    right = 0
    labelled = [record for record in held_out if record.unit is not None]
    for record in labelled:
        reading = reader.read(record.text, demand=record.demand)
        decision = routing.route(
            routing.CaseFacts(
                business_type=reading.business_type,
                cause=reading.cause,
                severity=Severity.GENERAL,
                flags=reading.flags,
                channel=Channel.HOTLINE,
                source=Source.DIRECT,
                branch_code=record.branch_code or reading.named_branch,
                card_kind=reading.card,
            ),
            rules=rulebook.rules,
            floors=rulebook.floors,
            default_unit=rulebook.default_unit,
            known_units=rulebook.units.keys(),
        )
        right += decision.unit == record.unit
    return right / len(labelled) if labelled else 0.0


@dataclass(frozen=True)
class Training:
    version: str
    examples: int
    corrections: int
    metrics: Mapping[str, Any]
    installed: bool
    # Why it was not installed, when it was not.
    refused: str | None = None


async def train_and_install(session: AsyncSession, *, rulebook: Rulebook, force: bool = False) -> Training:
    """Train on the shipped corpus and every correction people made, judge on the held-out
    split, and install unless it routes worse than the active model (or `force`)."""
    # A correction that names only a unit (a misrouted transfer) has no labels to learn from yet.
    corrections = [
        record.example()
        for record in parse_lines(json.dumps(example) for example in await correction_examples(session))
    ]
    examples = [record.example() for record in shipped_corpus()] + corrections
    analyser = build_analyser()
    model = train(examples, analyser=analyser)
    reader = Reader(analyser=analyser, model=model, branches=branches_of(rulebook))
    accuracy = unit_accuracy(reader, held_out_corpus(), rulebook)
    metrics = {"unit_accuracy": round(accuracy, 4)}
    active = await session.scalar(select(ClassifierModel).where(ClassifierModel.active))
    judged = functools.partial(Training, model.version, len(examples), len(corrections), metrics)
    if active is not None and active.version == model.version:
        return judged(installed=False, refused="already installed")
    if active is not None and not force and accuracy < float(active.metrics.get("unit_accuracy", 0.0)):
        current = active.metrics["unit_accuracy"]
        return judged(
            installed=False, refused=f"unit accuracy {accuracy:.4f} is below the active model's {current:.4f}"
        )
    await session.execute(update(ClassifierModel).where(ClassifierModel.active).values(active=False))
    await session.flush()
    existing = await session.scalar(select(ClassifierModel).where(ClassifierModel.version == model.version))
    if existing is not None:
        existing.active = True
    else:
        session.add(
            ClassifierModel(
                version=model.version,
                examples=len(examples),
                metrics=metrics,
                model=model.to_bytes(),
                active=True,
            )
        )
    await session.flush()
    return judged(installed=True)
