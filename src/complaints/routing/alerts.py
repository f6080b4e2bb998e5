"""Rules that fire as soon as routing knows the case's flags and severity (DOMAIN.md, "Routing
and escalation"): media, group or major → leadership is told at once; an aggressive on-site
incident → a 3-day incident-report deadline. Neither climbs the ladder.
"""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db import events
from complaints.db.models import Case
from complaints.deadlines import clocks
from complaints.domain.escalation import leadership_alerts
from complaints.domain.events import ClockData, EventKind
from complaints.domain.rulebook import Rulebook
from complaints.domain.vocabulary import DeadlineKind, Flag, Role, Severity
from complaints.escalation.ladder import ACTOR


async def after_routing(session: AsyncSession, *, case: Case, rulebook: Rulebook, now: datetime) -> None:
    flags = {Flag(flag) for flag in case.flags}
    because = leadership_alerts(flags=flags, severity=Severity(case.severity))
    if because:
        leaders = rulebook.with_role(Role.LEADERSHIP)
        session.add(
            events.new(
                EventKind.LEADERSHIP_NOTIFIED,
                case,
                at=now,
                actor=ACTOR,
                reason=f"{', '.join(because)}: leadership is told at once",
                data={"because": because, "to": [p.staff_id for p in leaders]},
            )
        )
    if Flag.AGGRESSIVE in flags:
        plan = clocks.plan_for(
            DeadlineKind.INCIDENT_REPORT,
            start=case.received_at,
            severity=Severity(case.severity),
            rulebook=rulebook,
        )
        if plan is not None:
            await clocks.start(session, case=case, plan=plan)
            started: ClockData = {"deadline": plan.kind, "due_at": plan.due_at.isoformat()}
            session.add(
                events.new(
                    EventKind.DEADLINE_STARTED,
                    case,
                    at=now,
                    actor=ACTOR,
                    reason="aggressive behaviour on site: an incident report is due",
                    data={**started, "period": plan.period},
                )
            )
    await session.flush()
