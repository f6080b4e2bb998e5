"""What bench/classification.py and bench/classification_cv.py share: the corpus, the reference
bank's routing, and routing one reading the way the routing worker will."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from complaints.configuration.config_file import DEMO_CONFIG, load_config  # noqa: E402
from complaints.domain.routing import CaseFacts, RoutingRule, SeverityFloor, route  # noqa: E402
from complaints.domain.understanding import LabelledComplaint, Understanding, parse_lines  # noqa: E402
from complaints.domain.vocabulary import Channel, Severity, Source  # noqa: E402

TRAINING_CORPUS = ROOT / "src" / "complaints" / "demo" / "corpus" / "train.jsonl"
TEST_CORPUS = ROOT / "src" / "complaints" / "demo" / "corpus" / "held_out.jsonl"


def read_corpus(path: Path) -> list[LabelledComplaint]:
    return parse_lines(path.read_text(encoding="utf-8").splitlines())


@dataclass(frozen=True)
class ReferenceBank:
    rules: tuple[RoutingRule, ...]
    floors: tuple[SeverityFloor, ...]
    default_unit: str
    units: frozenset[str]
    branches: dict[str, str]  # code → name

    def unit_of(self, record: LabelledComplaint, reading: Understanding) -> str:
        """The unit the pure routing picks for this reading; the form's branch beats the text's."""
        facts = CaseFacts(
            business_type=reading.business_type,
            cause=reading.cause,
            severity=Severity.GENERAL,
            flags=reading.flags,
            channel=Channel.HOTLINE,
            source=Source.DIRECT,
            branch_code=record.branch_code or reading.named_branch,
            card_kind=reading.card,
        )
        decision = route(
            facts,
            rules=self.rules,
            floors=self.floors,
            default_unit=self.default_unit,
            known_units=self.units,
        )
        return decision.unit


def reference_bank() -> ReferenceBank:
    config = load_config(DEMO_CONFIG).config
    return ReferenceBank(
        rules=tuple(
            RoutingRule(
                name=r.name,
                when=r.when.domain(),
                unit=r.unit,
                to_named_branch=r.to_named_branch,
                min_severity=r.min_severity,
            )
            for r in config.routing_rules
        ),
        floors=tuple(
            SeverityFloor(when=f.when.domain(), at_least=f.at_least, name=f.name)
            for f in config.severity_floors
        ),
        default_unit=next(u.code for u in config.units if u.default),
        units=frozenset(u.code for u in config.units),
        branches={u.code: u.name for u in config.units if u.kind == "branch"},
    )


def macro_f1(truth: Sequence[str | None], predicted: Sequence[str | None]) -> float:
    labels = sorted({t for t in truth if t is not None})
    scores = []
    for label in labels:
        tp = sum(t == label and p == label for t, p in zip(truth, predicted, strict=True))
        fp = sum(t != label and p == label for t, p in zip(truth, predicted, strict=True))
        fn = sum(t == label and p != label for t, p in zip(truth, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores) if scores else 0.0
