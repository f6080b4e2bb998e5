"""Routing, checked against the reference bank's table (DOMAIN.md, "The reference bank")."""

import dataclasses

import pytest

from complaints.domain.routing import (
    CaseFacts,
    Condition,
    RoutingDecision,
    RoutingRule,
    SeverityFloor,
    route,
)
from complaints.domain.vocabulary import (
    BusinessType,
    Cause,
    Channel,
    Flag,
    Severity,
    Source,
)

B = BusinessType
G, IMP, U, M = Severity.GENERAL, Severity.IMPORTANT, Severity.URGENT, Severity.MAJOR

HQ = ["HQ-CP", "HQ-CARD", "HQ-LOAN", "HQ-WM", "HQ-EBANK", "HQ-OPS", "HQ-COMP", "HQ-LEGAL", "HQ-PR"]
UNITS = frozenset([*HQ, "BR-001", "BR-002", "BR-003"])

# First match wins, in the order DOMAIN.md lists them.
RULES = (
    RoutingRule(
        "information-security",
        Condition(flags_any=frozenset({Flag.INFORMATION_SECURITY})),
        unit="HQ-COMP",
        min_severity=IMP,
    ),
    RoutingRule("media", Condition(flags_any=frozenset({Flag.MEDIA})), unit="HQ-PR", min_severity=U),
    RoutingRule("group", Condition(flags_any=frozenset({Flag.GROUP})), unit="HQ-CP", min_severity=M),
    RoutingRule("credit-cards", Condition(business_types=frozenset({B.BANK_CARDS})), unit="HQ-CARD"),
    RoutingRule("loans", Condition(business_types=frozenset({B.LOANS})), unit="HQ-LOAN"),
    RoutingRule("wealth", Condition(business_types=frozenset({B.WEALTH_MANAGEMENT})), unit="HQ-WM"),
    RoutingRule("e-banking", Condition(business_types=frozenset({B.E_BANKING})), unit="HQ-EBANK"),
    RoutingRule(
        "fees-and-equipment",
        Condition(causes=frozenset({Cause.FEES, Cause.FACILITIES})),
        unit="HQ-OPS",
    ),
    RoutingRule("named-branch", Condition(branch_named=True), to_named_branch=True),
)
FLOORS = (
    SeverityFloor(Condition(flags_any=frozenset({Flag.REPEAT})), IMP, "repeat-at-least-important"),
    SeverityFloor(Condition(sources=frozenset({Source.REGULATOR})), IMP, "referral-at-least-important"),
)


def facts(
    *,
    business_type: BusinessType | None = None,
    cause: Cause | None = None,
    severity: Severity = G,
    flags: frozenset[Flag] = frozenset(),
    channel: Channel = Channel.HOTLINE,
    source: Source = Source.DIRECT,
    branch_code: str | None = None,
) -> CaseFacts:
    return CaseFacts(
        business_type=business_type,
        cause=cause,
        severity=severity,
        flags=flags,
        channel=channel,
        source=source,
        branch_code=branch_code,
    )


def decide(case: CaseFacts) -> RoutingDecision:
    return route(case, rules=RULES, floors=FLOORS, default_unit="HQ-CP", known_units=UNITS)


@pytest.mark.parametrize(
    ("case", "rule", "unit", "severity"),
    [
        pytest.param(
            facts(flags=frozenset({Flag.INFORMATION_SECURITY})),
            "information-security",
            "HQ-COMP",
            IMP,
            id="information-security",
        ),
        pytest.param(facts(flags=frozenset({Flag.MEDIA})), "media", "HQ-PR", U, id="media"),
        pytest.param(facts(flags=frozenset({Flag.GROUP})), "group", "HQ-CP", M, id="group"),
        pytest.param(facts(business_type=B.BANK_CARDS), "credit-cards", "HQ-CARD", G, id="cards"),
        pytest.param(facts(business_type=B.LOANS), "loans", "HQ-LOAN", G, id="loans"),
        pytest.param(facts(business_type=B.WEALTH_MANAGEMENT), "wealth", "HQ-WM", G, id="wealth"),
        pytest.param(facts(business_type=B.E_BANKING), "e-banking", "HQ-EBANK", G, id="e-banking"),
        pytest.param(facts(cause=Cause.FEES), "fees-and-equipment", "HQ-OPS", G, id="fees"),
        pytest.param(facts(cause=Cause.FACILITIES), "fees-and-equipment", "HQ-OPS", G, id="atm"),
        pytest.param(facts(branch_code="BR-002"), "named-branch", "BR-002", G, id="branch"),
        pytest.param(facts(business_type=B.DEPOSITS), "default", "HQ-CP", G, id="default"),
    ],
)
def test_reference_bank_table(case: CaseFacts, rule: str, unit: str, severity: Severity) -> None:
    decision = decide(case)
    assert (decision.rule, decision.unit, decision.severity) == (rule, unit, severity)


def test_rule_minimum_never_lowers_severity() -> None:
    case = facts(flags=frozenset({Flag.INFORMATION_SECURITY}), severity=M)
    assert decide(case).severity is M


def test_first_match_wins_media_beats_credit_cards() -> None:
    decision = decide(facts(business_type=B.BANK_CARDS, flags=frozenset({Flag.MEDIA})))
    assert (decision.rule, decision.unit, decision.severity) == ("media", "HQ-PR", U)


def test_first_match_wins_information_security_beats_media_and_group() -> None:
    flags = frozenset({Flag.MEDIA, Flag.GROUP, Flag.INFORMATION_SECURITY})
    decision = decide(facts(flags=flags))
    # The rule's own minimum applies, not those of the rules it beat.
    assert (decision.unit, decision.severity) == ("HQ-COMP", IMP)


def test_business_type_beats_named_branch() -> None:
    decision = decide(facts(business_type=B.LOANS, branch_code="BR-001"))
    assert decision.unit == "HQ-LOAN"


def test_unknown_branch_falls_through_to_default() -> None:
    decision = decide(facts(branch_code="BR-999"))
    assert (decision.rule, decision.unit) == ("default", "HQ-CP")
    assert "BR-999 is not a known unit" in decision.reason


def test_unknown_unit_falls_through_to_the_next_rule() -> None:
    rules = (RoutingRule("gone", Condition(), unit="HQ-GONE"), *RULES)
    decision = route(
        facts(business_type=B.LOANS),
        rules=rules,
        floors=FLOORS,
        default_unit="HQ-CP",
        known_units=UNITS,
    )
    assert (decision.rule, decision.unit) == ("loans", "HQ-LOAN")
    assert "skipped rule gone" in decision.reason


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(facts(flags=frozenset({Flag.REPEAT})), id="repeat"),
        pytest.param(facts(source=Source.REGULATOR), id="regulator-referral"),
    ],
)
def test_floors_make_it_at_least_important(case: CaseFacts) -> None:
    assert decide(case).severity is IMP
    assert decide(dataclasses.replace(case, severity=U)).severity is U


def test_floors_and_rule_minimum_combine_to_the_highest() -> None:
    case = facts(flags=frozenset({Flag.REPEAT, Flag.MEDIA}), source=Source.REGULATOR)
    decision = decide(case)
    assert decision.severity is U
    assert decision.floors == ("repeat-at-least-important", "referral-at-least-important")
    assert "floor repeat-at-least-important (flag repeat): at least important" in decision.reason
    assert "rule minimum urgent" in decision.reason


def test_rules_see_the_floored_severity() -> None:
    rules = (RoutingRule("important", Condition(severities=frozenset({IMP})), unit="HQ-CP"),)
    case = facts(flags=frozenset({Flag.REPEAT}), business_type=B.LOANS)
    decision = route(case, rules=rules, floors=FLOORS, default_unit="HQ-OPS", known_units=UNITS)
    assert decision.rule == "important"


def test_reason_names_the_rule_and_condition() -> None:
    decision = decide(facts(business_type=B.BANK_CARDS, flags=frozenset({Flag.MEDIA, Flag.VIP})))
    assert decision.reason.startswith("rule media (flag media) → HQ-PR")
    assert "severity urgent (was general)" in decision.reason


def test_reason_names_the_branch() -> None:
    decision = decide(facts(branch_code="BR-003"))
    assert decision.reason.startswith("rule named-branch (names branch BR-003) → BR-003")


def test_reason_for_the_default() -> None:
    decision = decide(facts())
    assert decision.reason == "no rule matched → default unit HQ-CP; severity general"


def test_no_rules_at_all_goes_to_the_default_unit() -> None:
    decision = route(facts(), rules=(), floors=(), default_unit="HQ-CP", known_units=())
    assert (decision.rule, decision.unit, decision.severity) == ("default", "HQ-CP", G)


def test_condition_needs_every_constraint() -> None:
    condition = Condition(
        business_types=frozenset({B.BANK_CARDS}),
        channels=frozenset({Channel.WEB}),
    )
    assert condition.matches(facts(business_type=B.BANK_CARDS, channel=Channel.WEB))
    assert not condition.matches(facts(business_type=B.BANK_CARDS, channel=Channel.HOTLINE))
    assert not condition.matches(facts(channel=Channel.WEB))


def test_empty_condition_matches_everything() -> None:
    assert Condition().matches(facts())
    assert Condition().describe() == "any case"


def test_branch_named_false_means_no_branch() -> None:
    condition = Condition(branch_named=False)
    assert condition.matches(facts())
    assert not condition.matches(facts(branch_code="BR-001"))
    assert condition.describe() == "names no branch"


def test_describe_without_facts_lists_the_alternatives() -> None:
    condition = Condition(
        flags_any=frozenset({Flag.MEDIA, Flag.GROUP}),
        causes=frozenset({Cause.FEES, Cause.FACILITIES}),
        sources=frozenset({Source.REGULATOR}),
        branch_named=True,
    )
    assert condition.describe() == (
        "flags group, media and cause one of facilities, fees and source regulator and names a branch"
    )


def test_describe_with_facts_names_what_matched() -> None:
    condition = Condition(
        flags_any=frozenset({Flag.MEDIA, Flag.GROUP}),
        causes=frozenset({Cause.FEES, Cause.FACILITIES}),
    )
    case = facts(flags=frozenset({Flag.MEDIA}), cause=Cause.FEES)
    assert condition.describe(case) == "flag media and cause fees"


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"unit": "HQ-CP", "to_named_branch": True}],
)
def test_rule_needs_exactly_one_target(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        RoutingRule("broken", Condition(), **kwargs)  # type: ignore[arg-type]
