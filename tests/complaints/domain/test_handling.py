"""The pure rules of case handling: the ladder, extension approvers, supervision, the
unaccepted-case ladder, leadership alerts."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaints.domain import handling
from complaints.domain.vocabulary import EscalationLevel, Flag, Role, Severity

L = EscalationLevel


def test_the_ladder_runs_handler_manager_cp_head_leadership() -> None:
    assert handling.LADDER == (L.HANDLER, L.UNIT_MANAGER, L.CONSUMER_PROTECTION_HEAD, L.LEADERSHIP)
    assert [handling.rank(level) for level in handling.LADDER] == [0, 1, 2, 3]


@given(st.sampled_from(list(L)), st.sampled_from(list(L)))
def test_higher_never_goes_down(first: EscalationLevel, second: EscalationLevel) -> None:
    reached = handling.higher(first, second)
    assert reached in (first, second)
    assert handling.rank(reached) == max(handling.rank(first), handling.rank(second))


@pytest.mark.parametrize(
    ("role", "thirty", "sixty"),
    [
        (Role.HANDLER, False, False),
        (Role.A_ROLE, False, False),
        (Role.B_ROLE, False, False),
        (Role.MANAGER, True, False),
        (Role.CONSUMER_PROTECTION_HEAD, True, True),
        (Role.LEADERSHIP, True, True),
    ],
)
def test_who_may_approve_an_extension(role: Role, thirty: bool, sixty: bool) -> None:
    assert handling.may_approve_extension(role, total_days=30) is thirty
    assert handling.may_approve_extension(role, total_days=60) is sixty
    assert handling.may_approve_extension(role, total_days=45) is False


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
    assert handling.needs_supervision(returns=returns, transfers=transfers) == why


@pytest.mark.parametrize("minutes", [(15, 30, 60), (5,), (1, 2)])
def test_valid_unaccepted_ladders(minutes: tuple[int, ...]) -> None:
    assert handling.check_ladder_minutes(minutes) == minutes


@pytest.mark.parametrize("minutes", [(), (0, 30), (30, 15), (15, 15), (1, 2, 3, 4), (-5,)])
def test_invalid_unaccepted_ladders(minutes: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="waits"):
        handling.check_ladder_minutes(minutes)


@pytest.mark.parametrize(
    ("waited", "steps"),
    [(0, 0), (14.99, 0), (15, 1), (29, 1), (30, 2), (59, 2), (60, 3), (600, 3)],
)
def test_unaccepted_steps_follow_the_waits(waited: float, steps: int) -> None:
    assigned = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    now = assigned + timedelta(minutes=waited)

    assert handling.unaccepted_steps_due(assigned_at=assigned, now=now, minutes=(15, 30, 60)) == steps


def test_each_unaccepted_step_reaches_the_next_rung() -> None:
    assert [handling.unaccepted_level(steps) for steps in (1, 2, 3, 4)] == [
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
    assert handling.leadership_alerts(flags=flags, severity=severity) == because
