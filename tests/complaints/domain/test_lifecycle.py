"""The case state machine, checked for every (status, action) pair."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaints.domain.lifecycle import (
    OPEN_STATUSES,
    Action,
    allowed_actions,
    is_open,
    next_status,
)
from complaints.domain.vocabulary import Satisfaction, Status
from complaints.errors import IllegalTransition, InvalidInput

S = Status
A = Action
OPEN = [S.RECEIVED, S.REGISTERED, S.ASSIGNED, S.ACCEPTED, S.IN_PROGRESS, S.PAUSED]

# The design, written out independently of the module's table. CALLBACK is covered separately
# because its target depends on the satisfaction.
EXPECTED: dict[tuple[Status, Action], Status] = {
    (S.RECEIVED, A.REGISTER): S.REGISTERED,
    (S.REGISTERED, A.ASSIGN): S.ASSIGNED,
    (S.ASSIGNED, A.ACCEPT): S.ACCEPTED,
    (S.ACCEPTED, A.CONTACT): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.CONTACT): S.IN_PROGRESS,
    (S.PAUSED, A.CONTACT): S.PAUSED,
    (S.ACCEPTED, A.PAUSE): S.PAUSED,
    (S.IN_PROGRESS, A.PAUSE): S.PAUSED,
    (S.PAUSED, A.RESUME): S.IN_PROGRESS,
    (S.ACCEPTED, A.RESOLVE): S.RESOLVED,
    (S.IN_PROGRESS, A.RESOLVE): S.RESOLVED,
    (S.RESOLVED, A.RETURN): S.IN_PROGRESS,
    (S.RESOLVED, A.REOPEN): S.IN_PROGRESS,
    (S.CLOSED, A.REOPEN): S.IN_PROGRESS,
    (S.RESOLVED, A.CLOSE): S.CLOSED,
    (S.REGISTERED, A.REFUSE): S.REFUSED,
    (S.ASSIGNED, A.REFUSE): S.REFUSED,
    (S.ACCEPTED, A.REFUSE): S.REFUSED,
    (S.RESOLVED, A.WITHDRAW): S.WITHDRAWN,
    **{(s, A.TRANSFER): S.ASSIGNED for s in (S.REGISTERED, S.ASSIGNED, S.ACCEPTED, S.IN_PROGRESS)},
    # A correction keeps the status; when it re-routes, the move is a transfer's (hence the same statuses).
    **{(s, A.RECLASSIFY): s for s in (S.REGISTERED, S.ASSIGNED, S.ACCEPTED, S.IN_PROGRESS)},
    **{(s, A.ESCALATE): s for s in OPEN},
    **{(s, A.EXTEND): s for s in OPEN},
    **{(s, A.WITHDRAW): S.WITHDRAWN for s in OPEN},
    **{(s, A.MERGE): S.MERGED for s in OPEN},
    **{(s, A.NOTES): s for s in Status if s is not S.MERGED},
}
CALLBACK = {
    Satisfaction.SATISFIED: S.RESOLVED,
    Satisfaction.BASICALLY_SATISFIED: S.RESOLVED,
    Satisfaction.DISSATISFIED: S.IN_PROGRESS,
}


def expected_allowed(status: Status) -> list[Action]:
    allowed = {action for (s, action) in EXPECTED if s is status}
    if status is S.RESOLVED:
        allowed.add(A.CALLBACK)
    return [action for action in Action if action in allowed]


def test_action_values_match_the_api() -> None:
    api = ["accept", "notes", "contact", "transfer", "reclassify", "return", "escalate", "extend", "pause"]
    api += ["resume", "resolve", "callback", "reopen", "withdraw", "refuse", "merge", "close"]
    assert [a.value for a in Action] == ["register", "assign", *api]
    assert Action("return") is Action.RETURN


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", [a for a in Action if a is not A.CALLBACK])
def test_every_status_and_action(status: Status, action: Action) -> None:
    expected = EXPECTED.get((status, action))
    if expected is not None:
        assert next_status(status, action) is expected
        assert action in allowed_actions(status)
    else:
        with pytest.raises(IllegalTransition) as raised:
            next_status(status, action)
        assert raised.value.status == status.value
        assert raised.value.action == action.value
        assert raised.value.allowed == [a.value for a in allowed_actions(status)]
        assert action not in allowed_actions(status)


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("satisfaction", list(Satisfaction))
def test_callback(status: Status, satisfaction: Satisfaction) -> None:
    if status is S.RESOLVED:
        assert next_status(status, A.CALLBACK, satisfaction=satisfaction) is CALLBACK[satisfaction]
    else:
        with pytest.raises(IllegalTransition):
            next_status(status, A.CALLBACK, satisfaction=satisfaction)


def test_callback_needs_a_satisfaction() -> None:
    with pytest.raises(InvalidInput) as raised:
        next_status(S.RESOLVED, A.CALLBACK)
    assert raised.value.field == "satisfaction"


@pytest.mark.parametrize("status", list(Status))
def test_allowed_actions_are_exactly_the_design_in_stable_order(status: Status) -> None:
    assert allowed_actions(status) == expected_allowed(status)


def test_terminal_statuses() -> None:
    assert allowed_actions(S.WITHDRAWN) == [A.NOTES]
    assert allowed_actions(S.REFUSED) == [A.NOTES]
    assert allowed_actions(S.MERGED) == []


def test_open_statuses() -> None:
    assert frozenset(OPEN) == OPEN_STATUSES
    assert all(is_open(s) for s in OPEN)
    assert not any(is_open(s) for s in Status if s not in OPEN_STATUSES)


def test_happy_path() -> None:
    status = S.RECEIVED
    for action in (
        A.REGISTER,
        A.ASSIGN,
        A.ACCEPT,
        A.NOTES,
        A.CONTACT,
        A.PAUSE,
        A.RESUME,
        A.EXTEND,
        A.RESOLVE,
    ):
        status = next_status(status, action)
    assert status is S.RESOLVED
    status = next_status(status, A.CALLBACK, satisfaction=Satisfaction.SATISFIED)
    assert status is S.RESOLVED
    assert next_status(status, A.CLOSE) is S.CLOSED


def test_dissatisfied_callback_reopens_then_resolves_again() -> None:
    status = next_status(S.RESOLVED, A.CALLBACK, satisfaction=Satisfaction.DISSATISFIED)
    assert status is S.IN_PROGRESS
    status = next_status(status, A.RESOLVE)
    status = next_status(status, A.CALLBACK, satisfaction=Satisfaction.BASICALLY_SATISFIED)
    assert next_status(status, A.CLOSE) is S.CLOSED


def test_transfer_hands_the_case_back_to_assigned() -> None:
    status = next_status(S.IN_PROGRESS, A.TRANSFER)
    assert status is S.ASSIGNED
    assert next_status(status, A.ACCEPT) is S.ACCEPTED


@given(st.lists(st.sampled_from(list(Action)), max_size=40), st.sampled_from(list(Satisfaction)))
def test_any_walk_stays_in_the_table(actions: list[Action], satisfaction: Satisfaction) -> None:
    status = S.RECEIVED
    for action in actions:
        if action not in allowed_actions(status):
            with pytest.raises(IllegalTransition):
                next_status(status, action, satisfaction=satisfaction)
            continue
        status = next_status(status, action, satisfaction=satisfaction)
        assert status in Status
    # Nothing leaves merged; only notes are left on withdrawn and refused.
    if status is S.MERGED:
        assert allowed_actions(status) == []
