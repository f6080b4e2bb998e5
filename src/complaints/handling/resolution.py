"""Bringing a case to an end: extend, resolve, callback, reopen, withdraw, refuse, merge, close.

Same contract as `handling.steps`: a locked case already in its new status in, the
event's content out; clocks change only through `services.clocks`.
"""

from datetime import timedelta

from complaints.db import events
from complaints.deadlines import clocks
from complaints.domain.deadlines import Period, PeriodUnit
from complaints.domain.events import CallbackData, EventKind
from complaints.domain.extension import may_approve_extension
from complaints.domain.lifecycle import is_open
from complaints.domain.vocabulary import (
    DeadlineKind,
    DeadlineState,
    Outcome,
    Role,
    Satisfaction,
    Severity,
    Status,
)
from complaints.errors import InvalidInput, NotFound
from complaints.escalation import ladder
from complaints.handling.acting import Acting, Step, person, restart_clocks
from complaints.handling.case_reads import find_case
from complaints.schemas.actions import (
    CallbackBody,
    CloseBody,
    ExtendBody,
    MergeBody,
    RefuseBody,
    ReopenBody,
    ResolveBody,
    WithdrawBody,
)

CLOCK_SKEW = timedelta(minutes=2)
# A proposal answers the complainant: the first response, the resolution, the regulatory
# decision and any promise are all kept by it.
KEPT_BY_PROPOSAL = (
    DeadlineKind.FIRST_RESPONSE,
    DeadlineKind.RESOLUTION,
    DeadlineKind.REGULATORY,
    DeadlineKind.PROMISE,
)
EVERY_CLOCK = tuple(DeadlineKind)


async def extend(acting: Acting, body: ExtendBody) -> Step:
    """The regulatory period to 30 or 60 days in total, approved by someone senior enough."""
    case, rulebook, now = acting.case, acting.rulebook, acting.now
    approver = person(rulebook, body.approver)
    if approver is None:
        raise InvalidInput(f"no configured person has staff id {body.approver!r}", field="approver")
    if not may_approve_extension(approver.role, total_days=body.days):
        needed = (
            "the unit manager or above" if body.days == 30 else "the consumer-protection head or leadership"
        )
        raise InvalidInput(
            f"{body.days} days needs {needed}; {approver.staff_id} is {approver.role}", field="approver"
        )
    if approver.role == Role.MANAGER and approver.unit_code != case.unit_code:
        raise InvalidInput(
            f"{approver.staff_id} manages {approver.unit_code}, not {case.unit_code}", field="approver"
        )
    told = body.complainant_notified_at
    if told > now + CLOCK_SKEW or told < case.received_at:
        raise InvalidInput(
            "complainant_notified_at must lie between receipt and now", field="complainant_notified_at"
        )
    regulatory = (await clocks.clocks_of(acting.session, case=case)).get(DeadlineKind.REGULATORY)
    if regulatory is None:
        raise InvalidInput("the case has no regulatory deadline yet (it is not routed)", field="days")
    running_out = regulatory.state != DeadlineState.PAUSED and regulatory.due_at <= now
    if regulatory.met_at is not None or regulatory.state == DeadlineState.BREACHED or running_out:
        raise InvalidInput("the regulatory deadline has already passed or been met", field="days")
    current = case.regulatory_days or _policy_days(acting)
    if body.days <= current:
        raise InvalidInput(f"the regulatory period is already {current} days", field="days")
    due_before = regulatory.due_at
    extended = await clocks.extend(
        acting.session,
        case=case,
        kind=DeadlineKind.REGULATORY,
        total=Period(body.days, PeriodUnit.DAYS),
        rulebook=rulebook,
    )
    case.regulatory_days = body.days
    return Step(
        EventKind.EXTENDED,
        data={
            "from_days": current,
            "days": body.days,
            "approver": approver.staff_id,
            "approver_role": approver.role,
            "complainant_notified_at": told.isoformat(),
            "due_before": due_before.isoformat(),
            "due_after": extended.due_at.isoformat(),
        },
    )


def _policy_days(acting: Acting) -> int:
    clock = acting.rulebook.clock(DeadlineKind.REGULATORY, Severity(acting.case.severity))
    if clock is None or clock.period.unit != PeriodUnit.DAYS:
        return 15
    return clock.period.amount


async def resolve(acting: Acting, body: ResolveBody) -> Step:
    """A proposal with a typed outcome and a verdict; the callback clock starts."""
    case, now = acting.case, acting.now
    if body.outcome == Outcome.COMPENSATION and body.amount is None:
        raise InvalidInput("a compensation needs its amount", field="amount")
    if body.amount is not None and body.outcome != Outcome.COMPENSATION:
        raise InvalidInput("an amount goes only with outcome compensation", field="amount")
    case.outcome = body.outcome
    case.verdict = body.verdict
    case.outcome_amount = body.amount
    case.reply = body.reply
    case.resolved_at = now
    case.satisfaction = None
    case.paused_until = None
    await clocks.meet(acting.session, case=case, kinds=KEPT_BY_PROPOSAL, now=now)
    await restart_clocks(acting, DeadlineKind.CALLBACK)
    return Step(
        EventKind.RESOLVED,
        data={
            "outcome": body.outcome,
            "verdict": body.verdict,
            "reply": body.reply,
            "amount": str(body.amount) if body.amount is not None else None,
        },
    )


async def callback(acting: Acting, body: CallbackBody) -> Step:
    """回访. A dissatisfied complainant reopens the case (a fresh resolution period) and the
    unit manager takes over the supervision."""
    case, now = acting.case, acting.now
    case.satisfaction = body.satisfaction
    await clocks.meet(acting.session, case=case, kinds=[DeadlineKind.CALLBACK], now=now)
    data: CallbackData = {"satisfaction": body.satisfaction, "notes": body.notes}
    if body.satisfaction != Satisfaction.DISSATISFIED:
        return Step(EventKind.CALLED_BACK, data=dict(data))
    await restart_clocks(acting, DeadlineKind.RESOLUTION)
    data["reopened"] = True
    return Step(
        EventKind.CALLED_BACK,
        data=dict(data),
        followups=[ladder.dissatisfied(case, rulebook=acting.rulebook, now=now)],
    )


async def reopen(acting: Acting, body: ReopenBody) -> Step:
    """New facts restart the clock (CBIRC): a fresh resolution and regulatory period; a
    callback still owed on the old proposal is no longer owed."""
    case = acting.case
    callback_clock = (await clocks.clocks_of(acting.session, case=case)).get(DeadlineKind.CALLBACK)
    if callback_clock is not None and callback_clock.met_at is None:
        await clocks.discard(acting.session, case=case, kinds=[DeadlineKind.CALLBACK])
    await restart_clocks(acting, DeadlineKind.RESOLUTION, DeadlineKind.REGULATORY)
    case.regulatory_days = None
    case.closed_at = None
    return Step(EventKind.REOPENED)


async def withdraw(acting: Acting, body: WithdrawBody) -> Step:
    await clocks.meet(acting.session, case=acting.case, kinds=EVERY_CLOCK, now=acting.now)
    acting.case.paused_until = None
    return Step(EventKind.WITHDRAWN)


async def refuse(acting: Acting, body: RefuseBody) -> Step:
    """One of the eight grounds; the refusal is itself the reply, with reasons (it can be
    appealed: a new complaint or a reopen)."""
    case = acting.case
    case.refusal_ground = body.ground
    case.reply = body.reply or body.reason
    await clocks.meet(acting.session, case=case, kinds=EVERY_CLOCK, now=acting.now)
    return Step(EventKind.REFUSED, data={"ground": body.ground, "reply": case.reply})


async def merge(acting: Acting, body: MergeBody) -> Step:
    """Into another open case, which carries on; both keep their histories and point at each
    other (`related`). The caller has locked both cases, in id order."""
    case = acting.case
    if body.into == case.case_number:
        raise InvalidInput("a case cannot be merged into itself", field="into")
    try:
        into = await find_case(
            acting.session, case_number=body.into, principal=acting.principal, for_update=True
        )
    except NotFound as missing:
        raise InvalidInput(f"no case {body.into}", field="into") from missing
    if not is_open(Status(into.status)):
        raise InvalidInput(f"{into.case_number} is {into.status}; merge into an open case", field="into")
    case.merged_into = into.case_number
    case.paused_until = None
    await clocks.meet(acting.session, case=case, kinds=EVERY_CLOCK, now=acting.now)
    into.updated_at = acting.now
    merged_in = events.new(
        EventKind.MERGED_IN,
        into,
        at=acting.now,
        actor=acting.actor.name,
        reason=body.reason,
        data={"from": case.case_number},
    )
    return Step(EventKind.MERGED, data={"into": into.case_number}, followups=[merged_in])


async def close(acting: Acting, body: CloseBody) -> Step:
    case = acting.case
    case.closed_at = acting.now
    await clocks.meet(acting.session, case=case, kinds=EVERY_CLOCK, now=acting.now)
    return Step(
        EventKind.CLOSED,
        data={"satisfaction": case.satisfaction, "called_back": case.satisfaction is not None},
    )
