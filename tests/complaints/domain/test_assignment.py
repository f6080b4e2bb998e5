"""Picking a handler: the A role, the B role when A is away, and recusal (回避)."""

from complaints.domain.assignment import pick_handler
from complaints.domain.rulebook import Person
from complaints.domain.vocabulary import Role


def person(staff_id: str, unit: str, role: Role, *, available: bool = True) -> Person:
    return Person(staff_id, staff_id, unit, role, None, available)


CARD = [
    person("CC001", "HQ-CARD", Role.A_ROLE),
    person("CC002", "HQ-CARD", Role.B_ROLE),
    person("CC010", "HQ-CARD", Role.MANAGER),
]
BRANCH = [person("E001", "BR-001", Role.A_ROLE), person("E002", "BR-001", Role.B_ROLE)]


def test_the_a_role_gets_the_case() -> None:
    assert pick_handler(CARD, complained_about=None) == CARD[0]


def test_on_leave_the_b_role_gets_it() -> None:
    away = [person("CC001", "HQ-CARD", Role.A_ROLE, available=False), *CARD[1:]]
    assert pick_handler(away, complained_about=None) == CARD[1]


def test_never_the_person_complained_about() -> None:
    assert pick_handler(CARD, complained_about="CC001") == CARD[1]
    assert pick_handler(CARD[:1], complained_about="CC001") is None


def test_nobody_from_the_branch_complained_about_while_someone_else_can() -> None:
    assert pick_handler([*BRANCH, *CARD], complained_about=None, complained_branch="BR-001") == CARD[0]


def test_the_branch_itself_when_nobody_else_can() -> None:
    assert pick_handler(BRANCH, complained_about="E001", complained_branch="BR-001") == BRANCH[1]


CP = [
    person("CP001", "HQ-CP", Role.A_ROLE),
    person("CP002", "HQ-CP", Role.B_ROLE),
    person("CP020", "HQ-CP", Role.TRIAGE),
]


def test_a_case_needing_triage_goes_to_the_triage_role() -> None:
    assert pick_handler(CP, complained_about=None, needs_triage=True) == CP[2]


def test_the_triage_role_gets_no_classified_case() -> None:
    assert pick_handler(CP, complained_about=None) == CP[0]
    assert pick_handler(CP[2:], complained_about=None) is None


def test_without_anyone_to_triage_the_usual_order_holds_the_case() -> None:
    away = [*CP[:2], person("CP020", "HQ-CP", Role.TRIAGE, available=False)]
    assert pick_handler(away, complained_about=None, needs_triage=True) == CP[0]
    assert pick_handler(CARD, complained_about=None, needs_triage=True) == CARD[0]


def test_the_triage_person_is_recused_like_anyone() -> None:
    assert pick_handler(CP, complained_about="CP020", needs_triage=True) == CP[0]
