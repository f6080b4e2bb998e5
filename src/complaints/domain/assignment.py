"""Who in a unit takes a new case: the A role, then its B backup, never the person complained about."""

from collections.abc import Sequence

from complaints.domain.rulebook import Person
from complaints.domain.vocabulary import Role

# Who gets a new case in its unit, in order: the A role, its B backup, then the manager.
ASSIGNMENT_ORDER = (Role.A_ROLE, Role.B_ROLE, Role.HANDLER, Role.MANAGER)
# A case the classifier could not place goes to whoever sorts such cases first.
TRIAGE_ORDER = (Role.TRIAGE, *ASSIGNMENT_ORDER)


def pick_handler(
    people: Sequence[Person],
    *,
    complained_about: str | None,
    complained_branch: str | None = None,
    needs_triage: bool = False,
) -> Person | None:
    """The A role, else the B role when A is away (then a handler, then the manager).

    `needs_triage` (the case carries Flag.NEEDS_TRIAGE): the unit's triage role first, then the
    usual order, so a unit without anyone sorting still has somebody holding the case.

    Recusal (回避): never the person complained about, and nobody from the branch complained
    about while someone outside it can take the case.
    """
    order = TRIAGE_ORDER if needs_triage else ASSIGNMENT_ORDER
    candidates = [p for p in people if p.available and p.staff_id != complained_about]
    outside = [p for p in candidates if p.unit_code != complained_branch]
    for pool in (outside, candidates):
        for role in order:
            for person in pool:
                if person.role == role:
                    return person
    return None
