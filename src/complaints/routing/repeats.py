"""Repeats and duplicates, found while routing.

- **Repeat**: the same complainant (a phone, ID, customer number or e-mail hash in common)
  complains again about the same issue (same business type, or near-identical words) while
  an earlier case is still being handled (not closed, withdrawn, refused or merged) and at
  most `REPEAT_WINDOW` ago. The new case is flagged `repeat` (so at least important) and goes
  to the unit handling the original, unless a flag rule (media, group, …) claims it.
- **Group candidate**: near-identical text from at least `GROUP_MIN_COMPLAINANTS` different
  complainants within `GROUP_WINDOW`: flagged `group` (the group rule sends it to consumer
  protection) and linked to the others.

Links are rows in `case_links` and read both ways, so each case shows the other in `related`.
"""

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import BigInteger, ColumnElement, cast, func, literal, or_, select
from sqlalchemy.dialects.postgresql import BIT, insert
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db import events
from complaints.db.models import Case, CaseLink
from complaints.domain import routing
from complaints.domain.events import EventKind
from complaints.domain.lifecycle import FINISHED_STATUSES
from complaints.domain.rulebook import Rulebook
from complaints.domain.similarity import distance
from complaints.domain.vocabulary import BusinessType, Flag, Severity, Status

REPEAT_WINDOW = timedelta(days=30)
GROUP_WINDOW = timedelta(hours=24)
GROUP_MIN_COMPLAINANTS = 5
# Differing bits of 64 below which two texts count as near-identical (similarity.py).
NEAR_IDENTICAL_BITS = 12
REPEAT_RULE = "repeat-to-original-unit"
_IDENTITIES = (
    "complainant_phone_hash",
    "complainant_id_number_hash",
    "complainant_customer_no_hash",
    "complainant_email_hash",
)


@dataclass(frozen=True)
class Duplicates:
    original: Case | None
    group: tuple[Case, ...]

    @property
    def flags(self) -> frozenset[Flag]:
        found = set()
        if self.original is not None:
            found.add(Flag.REPEAT)
        if self.group:
            found.add(Flag.GROUP)
        return frozenset(found)


def _same_person(case: Case) -> ColumnElement[bool] | None:
    matches = [
        getattr(Case, name) == getattr(case, name) for name in _IDENTITIES if getattr(case, name) is not None
    ]
    return or_(*matches) if matches else None


def _person(case: Case) -> str:
    """Who complained, as far as the hashes tell; a case with none counts as its own person."""
    return next(
        (f"{name}:{getattr(case, name)}" for name in _IDENTITIES if getattr(case, name)), f"case:{case.id}"
    )


def same_issue(case: Case, business_type: BusinessType | None, earlier: Case) -> bool:
    if (
        business_type is not None
        and business_type != BusinessType.OTHER
        and earlier.business_type == business_type
    ):
        return True
    if case.content_simhash is None or earlier.content_simhash is None:
        return False
    return distance(case.content_simhash, earlier.content_simhash) <= NEAR_IDENTICAL_BITS


async def find_original(
    session: AsyncSession, *, case: Case, business_type: BusinessType | None
) -> Case | None:
    """The oldest case of this complainant on the same issue still being handled."""
    person = _same_person(case)
    if person is None:
        return None
    earlier = await session.scalars(
        select(Case)
        .where(
            person,
            Case.id != case.id,
            Case.received_at <= case.received_at,
            Case.received_at >= case.received_at - REPEAT_WINDOW,
            Case.status.not_in([*FINISHED_STATUSES, Status.RECEIVED]),
        )
        .order_by(Case.received_at, Case.id)
        .limit(50)
    )
    return next((other for other in earlier if same_issue(case, business_type, other)), None)


async def group_peers(session: AsyncSession, *, case: Case) -> tuple[Case, ...]:
    """Other complainants' near-identical cases of the last day, when they make a group."""
    if case.content_simhash is None:
        return ()
    differing = func.bit_count(
        cast(Case.content_simhash.op("#")(literal(case.content_simhash, BigInteger)), BIT(64))
    )
    similar = (
        await session.scalars(
            select(Case)
            .where(
                Case.id != case.id,
                Case.received_at <= case.received_at,
                Case.received_at >= case.received_at - GROUP_WINDOW,
                Case.content_simhash.is_not(None),
                differing <= NEAR_IDENTICAL_BITS,
            )
            .order_by(Case.received_at, Case.id)
            .limit(500)
        )
    ).all()
    me = _person(case)
    others = tuple(other for other in similar if _person(other) != me)
    people = {_person(other) for other in others} | {me}
    return others if len(people) >= GROUP_MIN_COMPLAINANTS else ()


async def find(session: AsyncSession, *, case: Case, business_type: BusinessType | None) -> Duplicates:
    return Duplicates(
        original=await find_original(session, case=case, business_type=business_type),
        group=await group_peers(session, case=case),
    )


def to_original_unit(
    decision: routing.RoutingDecision, duplicates: Duplicates, rulebook: Rulebook
) -> routing.RoutingDecision:
    """A repeat goes where the original is handled, unless a flag rule (media, group,
    information security …) took it: those outrank the unit that owns the original."""
    original = duplicates.original
    if original is None or original.unit_code is None or original.unit_code not in rulebook.units:
        return decision
    rule = next((r for r in rulebook.rules if r.name == decision.rule), None)
    if rule is not None and rule.when.flags_any:
        return decision
    return dataclasses.replace(
        decision,
        rule=REPEAT_RULE,
        unit=original.unit_code,
        severity=decision.severity.at_least(Severity.IMPORTANT),
        reason=f"repeat of {original.case_number} → its unit {original.unit_code} "
        f"(instead of {decision.unit}); {decision.reason}",
    )


async def record(
    session: AsyncSession, *, case: Case, duplicates: Duplicates, now: datetime, actor: str
) -> None:
    links: list[dict[str, object]] = []
    if duplicates.original is not None:
        original = duplicates.original
        links.append(
            {
                "case_id": case.id,
                "related_case_id": original.id,
                "kind": "repeat",
                "reason": "same complainant, same issue",
            }
        )
        session.add(
            events.new(
                EventKind.REPEAT_RECEIVED,
                original,
                at=now,
                actor=actor,
                # Beside the original's own history, outside its state machine.
                from_status=None,
                to_status=None,
                data={"case_number": case.case_number},
            )
        )
    links.extend(
        {
            "case_id": case.id,
            "related_case_id": other.id,
            "kind": "group",
            "reason": "near-identical text from another complainant within a day",
        }
        for other in duplicates.group
    )
    if links:
        await session.execute(
            insert(CaseLink).values([{**link, "created_at": now} for link in links]).on_conflict_do_nothing()
        )
