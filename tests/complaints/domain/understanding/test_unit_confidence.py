"""The routing's own confidence: sure of the unit even when unsure of an answer that does not
change it, unsure when the answers in doubt lead to different units."""

import dataclasses

from complaints.domain.understanding import Reader, Understanding, routing_verdict, unit_confidence
from complaints.domain.vocabulary import BusinessType, CardKind, Cause


def unit_of(reading: Understanding) -> str:
    """A small bank: credit cards to the card centre, fees to operations, the rest to CP."""
    if reading.business_type is BusinessType.BANK_CARDS and reading.card is CardKind.CREDIT:
        return "CARD"
    return "OPS" if reading.cause is Cause.FEES else "CP"


def reading_with(**distributions: dict[str, float]) -> Understanding:
    names = {"business_type": "business type", "cause": "cause", "card": "card"}
    chosen = {name: max(d, key=d.__getitem__) for name, d in distributions.items()}
    return Understanding(
        business_type=BusinessType(chosen["business_type"]),
        cause=Cause(chosen["cause"]),
        card=CardKind(chosen["card"]) if "card" in chosen else None,
        business_channel=None,
        flags=frozenset(),
        named_branch=None,
        confidence=0.5,
        needs_triage=False,
        triage_reasons=(),
        evidence=(),
        distributions={names[name]: d for name, d in distributions.items()},
    )


def test_an_unsure_answer_that_routes_alike_leaves_the_unit_sure() -> None:
    reading = reading_with(
        business_type={"deposits": 0.9, "other": 0.1}, cause={"service": 0.5, "rules": 0.5}
    )

    assert unit_confidence(reading, unit_of=unit_of) == 1.0


def test_answers_in_doubt_that_route_apart_make_the_unit_unsure() -> None:
    reading = reading_with(
        business_type={"bank_cards": 1.0}, cause={"service": 1.0}, card={"credit": 0.55, "debit": 0.45}
    )

    assert abs(unit_confidence(reading, unit_of=unit_of) - 0.55) < 1e-9
    verdict = routing_verdict(reading, unit_of=unit_of)
    assert verdict.unit == "CARD"
    assert verdict.needs_triage
    assert verdict.triage_reasons == ("unit CARD: confidence 0.55 below 0.70",)


def test_an_unread_complaint_has_no_unit_confidence(reader: Reader) -> None:
    reading = reader.read("😡")

    assert unit_confidence(reading, unit_of=unit_of) == 0.0
    assert routing_verdict(reading, unit_of=unit_of).needs_triage


def test_a_clear_complaint_is_routed_without_triage(reader: Reader) -> None:
    reading = reader.read("信用卡年费说好刷满六次免,刷够了还是扣了,要求退还")

    verdict = routing_verdict(reading, unit_of=unit_of)
    assert verdict.unit == "CARD"
    assert not verdict.needs_triage


def test_a_given_answer_is_certain(reader: Reader) -> None:
    reading = reader.read("那个事情怎么样了", business_type=BusinessType.DEPOSITS, cause=Cause.SERVICE)

    assert reading.distributions["business type"] == {"deposits": 1.0}
    assert unit_confidence(dataclasses.replace(reading), unit_of=unit_of) == 1.0
