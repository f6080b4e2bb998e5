"""Who in a unit takes a new case: the A role, then its B backup, never the person complained about."""

from collections.abc import Sequence

from complaints.domain.rulebook import Person
from complaints.domain.vocabulary import Role

# Who gets a new case in its unit, in order: the A role, its B backup, then the manager.
ASSIGNMENT_ORDER = (Role.A_ROLE, Role.B_ROLE, Role.HANDLER, Role.MANAGER)


def pick_handler(
    people: Sequence[Person], *, complained_about: str | None, complained_branch: str | None = None
) -> Person | None:
    """The A role, else the B role when A is away (then a handler, then the manager).

    Recusal (回避): never the person complained about, and nobody from the branch complained
    about while someone outside it can take the case.
    """
    candidates = [p for p in people if p.available and p.staff_id != complained_about]
    outside = [p for p in candidates if p.unit_code != complained_branch]
    for pool in (outside, candidates):
        for role in ASSIGNMENT_ORDER:
            for person in pool:
                if person.role == role:
                    return person
    return None
