"""The escalation ladder's pure rules: its rungs and who sits on them, climbs that never go
down and always name their rule, supervision, the unaccepted-case ladder, leadership alerts."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaints.domain import escalation
from complaints.domain.calendar import BusinessCalendar
from complaints.domain.classification import KeywordRules
from complaints.domain.escalation import EscalationRule
from complaints.domain.rulebook import Person, Rulebook
from complaints.domain.vocabulary import DeadlineKind, EscalationLevel, Flag, Role, Severity

L = EscalationLevel


def rulebook(*people: Person) -> Rulebook:
    return Rulebook(
        version=1,
        keywords=KeywordRules(business_types={}, causes={}, flags={}),
        floors=(),
        rules=(),
        default_unit="HQ",
        units={"HQ": "department", "BR": "branch"},
        people=people,
        clocks={},
        calendar=BusinessCalendar(),
    )


def person(staff_id: str, role: Role, *, unit: str = "HQ", available: bool = True) -> Person:
    return Person(staff_id, staff_id, unit, role, None, available)


BANK = rulebook(
    person("M-BR", Role.MANAGER, unit="BR"),
    person("M-HQ-AWAY", Role.MANAGER, available=False),
    person("M-HQ", Role.MANAGER),
    person("CP", Role.CONSUMER_PROTECTION_HEAD),
    person("EX", Role.LEADERSHIP),
)


def test_the_ladder_runs_handler_manager_cp_head_leadership() -> None:
    assert escalation.LADDER == (L.HANDLER, L.UNIT_MANAGER, L.CONSUMER_PROTECTION_HEAD, L.LEADERSHIP)
    assert [escalation.rank(level) for level in escalation.LADDER] == [0, 1, 2, 3]


@given(st.sampled_from(list(L)), st.sampled_from(list(L)))
def test_higher_never_goes_down(first: EscalationLevel, second: EscalationLevel) -> None:
    reached = escalation.higher(first, second)
    assert reached in (first, second)
    assert escalation.rank(reached) == max(escalation.rank(first), escalation.rank(second))


@pytest.mark.parametrize(
    ("returns", "transfers", "why"),
    [
        (0, 0, None),
        (2, 2, None),
        (3, 0, "returned for rework 3 times"),
        (0, 3, "transferred 3 times"),
        (5, 4, "returned for rework 5 times"),
    ],
)
def test_three_returns_or_three_transfers_call_for_supervision(
    returns: int, transfers: int, why: str | None
) -> None:
    assert escalation.needs_supervision(returns=returns, transfers=transfers) == why


@pytest.mark.parametrize("minutes", [(15, 30, 60), (5,), (1, 2)])
def test_valid_unaccepted_ladders(minutes: tuple[int, ...]) -> None:
    assert escalation.check_ladder_minutes(minutes) == minutes


@pytest.mark.parametrize("minutes", [(), (0, 30), (30, 15), (15, 15), (1, 2, 3, 4), (-5,)])
def test_invalid_unaccepted_ladders(minutes: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="waits"):
        escalation.check_ladder_minutes(minutes)


@pytest.mark.parametrize(
    ("waited", "steps"),
    [(0, 0), (14.99, 0), (15, 1), (29, 1), (30, 2), (59, 2), (60, 3), (600, 3)],
)
def test_unaccepted_steps_follow_the_waits(waited: float, steps: int) -> None:
    assigned = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    now = assigned + timedelta(minutes=waited)

    assert escalation.unaccepted_steps_due(assigned_at=assigned, now=now, minutes=(15, 30, 60)) == steps


def test_each_unaccepted_step_reaches_the_next_rung() -> None:
    assert [escalation.unaccepted_level(steps) for steps in (1, 2, 3, 4)] == [
        L.UNIT_MANAGER,
        L.CONSUMER_PROTECTION_HEAD,
        L.LEADERSHIP,
        L.LEADERSHIP,
    ]


@pytest.mark.parametrize(
    ("flags", "severity", "because"),
    [
        (set(), Severity.URGENT, []),
        ({Flag.VIP}, Severity.GENERAL, []),
        ({Flag.MEDIA}, Severity.URGENT, ["media"]),
        ({Flag.GROUP}, Severity.MAJOR, ["group", "major"]),
        (set(), Severity.MAJOR, ["major"]),
        ({Flag.GROUP, Flag.MEDIA}, Severity.GENERAL, ["media", "group"]),
    ],
)
def test_leadership_hears_of_media_group_and_major_cases(
    flags: set[Flag], severity: Severity, because: list[str]
) -> None:
    assert escalation.leadership_alerts(flags=flags, severity=severity) == because


@pytest.mark.parametrize(
    ("level", "unit", "who"),
    [
        (L.HANDLER, "HQ", None),
        (L.UNIT_MANAGER, "HQ", "M-HQ"),  # the first available manager of the case's unit
        (L.UNIT_MANAGER, "BR", "M-BR"),
        (L.UNIT_MANAGER, None, None),
        (L.CONSUMER_PROTECTION_HEAD, "BR", "CP"),
        (L.LEADERSHIP, "HQ", "EX"),
    ],
)
def test_who_sits_on_each_rung(level: EscalationLevel, unit: str | None, who: str | None) -> None:
    found = escalation.target(level, unit_code=unit, rulebook=BANK)
    assert (found.staff_id if found else None) == who


def test_nobody_available_falls_back_to_the_first_configured() -> None:
    away = [person(name, Role.LEADERSHIP, available=False) for name in ("A", "B")]
    book = rulebook(*away)
    found = escalation.target(L.LEADERSHIP, unit_code=None, rulebook=book)
    assert found is not None
    assert found.staff_id == "A"


@given(st.sampled_from(list(L)), st.sampled_from(list(L)))
def test_a_climb_never_goes_down_and_names_its_rule(current: EscalationLevel, level: EscalationLevel) -> None:
    climb = escalation.climb_to(current, level, rule=EscalationRule.BY_HAND, unit_code="HQ", rulebook=BANK)

    assert climb.to_level == escalation.higher(current, level)
    data = climb.data()
    assert data["rule"] == "by_hand"
    assert (data["from_level"], data["to_level"]) == (current, climb.to_level)


def test_one_rung_up_until_the_top() -> None:
    rule = escalation.breach_rule(DeadlineKind.RESOLUTION)
    reached = []
    level = L.HANDLER
    while (climb := escalation.climb_one(level, rule=rule, unit_code="HQ", rulebook=BANK)) is not None:
        assert climb.data()["rule"] == "breach:resolution"
        reached.append((climb.to_level, climb.data()["to"]))
        level = climb.to_level

    assert reached == [(L.UNIT_MANAGER, "M-HQ"), (L.CONSUMER_PROTECTION_HEAD, "CP"), (L.LEADERSHIP, "EX")]


def test_the_stored_rule_names_do_not_change() -> None:
    assert [rule.value for rule in EscalationRule] == [
        "by_hand",
        "unaccepted",
        "supervision",
        "dissatisfied_callback",
        "breach",
    ]
    assert escalation.breach_rule(DeadlineKind.FIRST_RESPONSE) == "breach:first_response"
