"""Credit cards go to the card centre, debit cards do not: the card_kinds condition, in the pure
routing and in the reference bank's rules."""

import pytest

from complaints.configuration.config_file import DEMO_CONFIG, load_config
from complaints.domain.routing import CaseFacts, Condition, RoutingRule, route
from complaints.domain.vocabulary import BusinessType, CardKind, Cause, Channel, Flag, Severity, Source
from complaints.schemas.config import ConditionConfig


def test_a_card_kinds_condition_needs_a_matching_card() -> None:
    credit_only = Condition(
        business_types=frozenset({BusinessType.BANK_CARDS}), card_kinds=frozenset({CardKind.CREDIT})
    )

    def facts(card: CardKind | None) -> CaseFacts:
        return CaseFacts(
            business_type=BusinessType.BANK_CARDS,
            cause=Cause.FEES,
            severity=Severity.GENERAL,
            flags=frozenset(),
            channel=Channel.HOTLINE,
            source=Source.DIRECT,
            branch_code=None,
            card_kind=card,
        )

    assert credit_only.matches(facts(CardKind.CREDIT))
    assert not credit_only.matches(facts(CardKind.DEBIT))
    assert not credit_only.matches(facts(None))  # not known: not the card centre's
    assert credit_only.describe(facts(CardKind.CREDIT)) == "business type bank_cards and card credit"


def test_the_condition_config_keeps_card_kinds() -> None:
    parsed = ConditionConfig.model_validate({"business_types": ["bank_cards"], "card_kinds": ["credit"]})

    assert parsed.domain().card_kinds == frozenset({CardKind.CREDIT})
    assert ConditionConfig.model_validate({}).domain() == Condition()


@pytest.fixture(scope="module")
def bank() -> tuple[tuple[RoutingRule, ...], frozenset[str]]:
    config = load_config(DEMO_CONFIG).config
    rules = tuple(
        RoutingRule(
            r.name,
            r.when.domain(),
            unit=r.unit,
            to_named_branch=r.to_named_branch,
            min_severity=r.min_severity,
        )
        for r in config.routing_rules
    )
    return rules, frozenset(u.code for u in config.units)


@pytest.mark.parametrize(
    ("card", "cause", "branch", "flags", "unit"),
    [
        (CardKind.CREDIT, Cause.FEES, None, frozenset(), "HQ-CARD"),
        (CardKind.DEBIT, Cause.FEES, None, frozenset(), "HQ-OPS"),  # a debit-card fee is operations'
        (CardKind.DEBIT, Cause.SERVICE, "BR-002", frozenset(), "BR-002"),  # a rude clerk at 城西
        (CardKind.DEBIT, Cause.SERVICE, None, frozenset(), "HQ-CP"),
        (CardKind.CREDIT, Cause.SERVICE, "BR-001", frozenset({Flag.MEDIA}), "HQ-PR"),  # flags first
    ],
)
def test_the_reference_bank_routes_cards_by_kind(
    bank: tuple[tuple[RoutingRule, ...], frozenset[str]],
    card: CardKind,
    cause: Cause,
    branch: str | None,
    flags: frozenset[Flag],
    unit: str,
) -> None:
    rules, units = bank
    facts = CaseFacts(
        business_type=BusinessType.BANK_CARDS,
        cause=cause,
        severity=Severity.GENERAL,
        flags=flags,
        channel=Channel.HOTLINE,
        source=Source.DIRECT,
        branch_code=branch,
        card_kind=card,
    )

    assert route(facts, rules=rules, floors=(), default_unit="HQ-CP", known_units=units).unit == unit
