"""What the public web pages may show: no personal data, only a case's progress and times."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import Case, Deadline, OrgUnit
from complaints.deadlines.clocks import plan_for
from complaints.domain.identity import IdentityHasher
from complaints.domain.rulebook import Rulebook
from complaints.domain.vocabulary import DeadlineKind, Severity, Status

STATUS_WORDS: dict[Status, tuple[str, str]] = {
    Status.RECEIVED: ("已收到，正在分派", "received, being assigned"),
    Status.REGISTERED: ("已登记", "registered"),
    Status.ASSIGNED: ("已分派至承办部门", "assigned to the unit handling it"),
    Status.ACCEPTED: ("承办部门已受理", "accepted by the unit handling it"),
    Status.IN_PROGRESS: ("正在调查处理", "being investigated"),
    Status.PAUSED: ("等待补充材料或外部鉴定", "waiting for information or an appraisal"),
    Status.RESOLVED: ("已提出处理意见，待回访", "resolved, awaiting your feedback"),
    Status.CLOSED: ("已办结", "closed"),
    Status.WITHDRAWN: ("已撤回", "withdrawn"),
    Status.REFUSED: ("不予受理", "not accepted"),
    Status.MERGED: ("已与其他投诉合并办理", "merged with another complaint"),
}


@dataclass(frozen=True)
class Branch:
    code: str
    name: str
    name_en: str | None


@dataclass(frozen=True)
class PublicStatus:
    case_number: str
    status: Status
    received_at: datetime
    reply_due: datetime | None
    outcome_due: datetime | None
    # True while routing has not set the clocks: the times are the general policy's, at the latest.
    estimated: bool

    @property
    def words(self) -> tuple[str, str]:
        return STATUS_WORDS.get(self.status, (self.status.value, self.status.value))


async def branches(session: AsyncSession) -> list[Branch]:
    units = await session.scalars(select(OrgUnit).where(OrgUnit.kind == "branch").order_by(OrgUnit.code))
    return [Branch(u.code, u.name, u.name_en) for u in units]


async def status_of(session: AsyncSession, *, case: Case, rulebook: Rulebook) -> PublicStatus:
    clocks = {
        d.kind: d.due_at
        for d in await session.scalars(
            select(Deadline).where(
                Deadline.case_id == case.id,
                Deadline.kind.in_([DeadlineKind.FIRST_RESPONSE, DeadlineKind.RESOLUTION]),
            )
        )
    }
    estimated = not clocks
    if estimated:
        # Not routed yet: what the policy promises for its severity so far. Routing only ever
        # raises severity, which shortens the clocks, so these hold as latest times.
        for kind in (DeadlineKind.FIRST_RESPONSE, DeadlineKind.RESOLUTION):
            plan = plan_for(kind, start=case.received_at, severity=Severity(case.severity), rulebook=rulebook)
            if plan is not None:
                clocks[kind] = plan.due_at
    return PublicStatus(
        case_number=case.case_number,
        status=Status(case.status),
        received_at=case.received_at,
        reply_due=clocks.get(DeadlineKind.FIRST_RESPONSE),
        outcome_due=clocks.get(DeadlineKind.RESOLUTION),
        estimated=estimated,
    )


async def case_by_number(session: AsyncSession, *, case_number: str) -> Case | None:
    if "\x00" in case_number:
        return None
    found: Case | None = await session.scalar(select(Case).where(Case.case_number == case_number))
    return found


async def look_up(
    session: AsyncSession, *, case_number: str, phone: str, identity: IdentityHasher, rulebook: Rulebook
) -> PublicStatus | None:
    """By case number and the phone given with it (compared as keyed hashes); a wrong phone
    answers exactly like an unknown number."""
    case = await case_by_number(session, case_number=case_number.strip())
    if case is None or case.complainant_phone_hash is None:
        return None
    if case.complainant_phone_hash != identity.phone(phone):
        return None
    return await status_of(session, case=case, rulebook=rulebook)
