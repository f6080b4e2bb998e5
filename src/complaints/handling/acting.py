"""Who acts on a case, what an action is handed, and what it hands back."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import Case, CaseEvent
from complaints.deadlines import clocks
from complaints.domain.events import EventKind
from complaints.domain.rulebook import Person, Rulebook
from complaints.domain.vocabulary import DeadlineKind, Severity, Status
from complaints.errors import Forbidden, InvalidInput
from complaints.security.api_keys import Principal


@dataclass(frozen=True)
class Actor:
    # What events record: the staff id, or the API key's name when no person is named.
    name: str
    person: Person | None


@dataclass(frozen=True)
class Acting:
    """One action on one locked case: the state machine has already moved `case.status`."""

    session: AsyncSession
    case: Case
    actor: Actor
    rulebook: Rulebook
    now: datetime
    principal: Principal
    from_status: Status


@dataclass
class Step:
    """What an action did: the event's kind, reason and data, plus events of rules it fired."""

    kind: EventKind
    reason: str | None = None
    data: dict[str, object] = field(default_factory=dict)
    followups: list[CaseEvent] = field(default_factory=list)


def person(rulebook: Rulebook, staff_id: str) -> Person | None:
    return next((p for p in rulebook.people if p.staff_id == staff_id), None)


def resolve_actor(*, staff_id: str | None, principal: Principal, rulebook: Rulebook, case: Case) -> Actor:
    """The named staff member, else the key (itself a person when its name is a staff id).

    A unit-bound key acts only through its own unit's people, and the person a complaint is
    about never acts on it (回避): they must not even see its materials.
    """
    if staff_id is None:
        acting = person(rulebook, principal.name)
        name = principal.name
    else:
        acting = person(rulebook, staff_id)
        if acting is None:
            raise InvalidInput(f"no configured person has staff id {staff_id!r}", field="actor")
        if principal.unit_code is not None and acting.unit_code != principal.unit_code:
            raise Forbidden(f"this key acts for {principal.unit_code}; {staff_id} is in {acting.unit_code}")
        name = staff_id
    if acting is not None and case.staff_id == acting.staff_id:
        raise Forbidden(f"{acting.staff_id} is the person this complaint is about and is recused")
    return Actor(name, acting)


async def restart_clocks(acting: Acting, *kinds: DeadlineKind) -> None:
    """Start these clocks afresh from now, as the SLA policy sets them for the case."""
    case = acting.case
    for kind in kinds:
        plan = clocks.plan_for(
            kind, start=acting.now, severity=Severity(case.severity), rulebook=acting.rulebook
        )
        if plan is not None:
            await clocks.start(acting.session, case=case, plan=plan)
