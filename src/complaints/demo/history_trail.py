"""One generated case's handling (history.py): its clocks, its event trail, and what the
handling leaves on the case row."""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from complaints.db import events
from complaints.deadlines.clocks import plan_for
from complaints.deadlines.sweep import ACTOR as SWEEPER
from complaints.domain.clocks import PlannedClock, describe
from complaints.domain.deadlines import PeriodUnit, due_at, warning_times
from complaints.domain.escalation import breach_rule, climb_one
from complaints.domain.events import ClockData, EventKind
from complaints.domain.rulebook import Rulebook
from complaints.domain.vocabulary import (
    BreachAction,
    DeadlineKind,
    EscalationLevel,
    Outcome,
    Satisfaction,
    Severity,
    Status,
)

from . import history_mix as mix_of

ACTOR = "demo-history"
Row = tuple[Any, ...]


@dataclass
class Clock:
    plan: PlannedClock
    met_at: datetime | None = None
    breached_at: datetime | None = None


@dataclass
class Trail:
    """One case's handling as it goes: its status, clocks and events."""

    case_id: int
    unit: str  # where routing (or a transfer) left it: whose manager a breach escalates to
    status: Status | None = None
    level: EscalationLevel = EscalationLevel.HANDLER
    clocks: dict[DeadlineKind, Clock] = field(default_factory=dict)
    events: list[Row] = field(default_factory=list)
    resolution_breached: bool = False

    def step(
        self,
        kind: EventKind,
        at: datetime,
        *,
        to: Status | None = None,
        actor: str = ACTOR,
        reason: str | None = None,
        **data: object,
    ) -> None:
        after = to or self.status
        self._record(kind, at, actor=actor, to=after, reason=reason, data=data)
        self.status = after

    def _record(
        self,
        kind: EventKind,
        at: datetime,
        *,
        actor: str,
        to: Status | None,
        reason: str | None = None,
        data: Mapping[str, object],
    ) -> None:
        row = events.row(
            kind,
            case_id=self.case_id,
            at=at,
            actor=actor,
            from_status=self.status,
            to_status=to,
            reason=reason,
            data=data,
        )
        self.events.append(events.copy_record(row))

    def settle(self, until: datetime, rulebook: Rulebook) -> None:
        """Breaches of the clocks that ran out before `until`, as the sweeper records them."""
        for kind, clock in self.clocks.items():
            due = clock.plan.due_at
            if clock.met_at is None and clock.breached_at is None and due < until:
                clock.breached_at = due
                self.resolution_breached |= kind is DeadlineKind.RESOLUTION
                breached: ClockData = {"deadline": kind, "due_at": due.isoformat()}
                self._record(EventKind.DEADLINE_BREACHED, due, actor=SWEEPER, to=self.status, data=breached)
                if BreachAction.ESCALATE not in rulebook.on_breach(kind):
                    continue
                # As the sweep climbs: one rung, by the breach rule, to whoever sits there.
                climb = climb_one(self.level, rule=breach_rule(kind), unit_code=self.unit, rulebook=rulebook)
                if climb is not None:
                    reason = f"{kind.value} deadline breached"
                    self._record(
                        EventKind.ESCALATED,
                        due,
                        actor=SWEEPER,
                        to=self.status,
                        reason=reason,
                        data=climb.data(),
                    )
                    self.level = climb.to_level

    def meet(self, kinds: Sequence[DeadlineKind], at: datetime, rulebook: Rulebook) -> None:
        self.settle(at, rulebook)
        for kind in kinds:
            clock = self.clocks.get(kind)
            if clock is not None and clock.met_at is None:
                clock.met_at = at

    def restart(self, plan: PlannedClock) -> None:
        self.clocks[plan.kind] = Clock(plan)


@dataclass
class Handled:
    """What a case's handling left on the case row."""

    assigned_at: datetime | None = None
    accepted_at: datetime | None = None
    transfers: int = 0
    returns: int = 0
    reopens: int = 0
    dissatisfied: int = 0
    outcome: Outcome | None = None
    verdict: str | None = None
    outcome_amount: Decimal | None = None
    resolved_at: datetime | None = None
    satisfaction: Satisfaction | None = None
    refusal_ground: str | None = None
    closed_at: datetime | None = None
    finished_at: datetime | None = None  # withdrawn or refused

    def resolve(self, rng: random.Random, at: datetime) -> None:
        self.outcome = mix_of.OUTCOMES.draw(rng)
        self.verdict = mix_of.VERDICTS.draw(rng)
        self.outcome_amount = money(rng) if self.outcome == Outcome.COMPENSATION else None
        self.resolved_at = at
        self.satisfaction = None


def money(rng: random.Random) -> Decimal:
    return Decimal(rng.randrange(5_000, 2_000_000)) / 100


class Planner:
    """plan_for, in UTC, with the due times of day-counted periods remembered per local day
    (they depend on nothing else), so a million cases do not walk the calendar a million
    times. UTC throughout: comparing moments in one zone is much cheaper than across zones."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        self._days: dict[tuple[DeadlineKind, Severity, date], datetime] = {}

    def plan(self, kind: DeadlineKind, *, start: datetime, severity: Severity) -> PlannedClock:
        clock = self.rulebook.clock(kind, severity)
        if clock is None:
            raise ValueError(f"the SLA policy sets no {kind} clock for {severity} cases")
        period, calendar = clock.period, self.rulebook.calendar
        if period.unit is PeriodUnit.WORKING_HOURS:  # warnings follow the business hours
            planned = plan_for(kind, start=start, severity=severity, rulebook=self.rulebook)
            assert planned is not None
            return planned
        if period.unit.counts_days:
            key = (kind, severity, calendar.local_date(start))
            if key not in self._days:
                self._days[key] = due_at(start=start, period=period, calendar=calendar).astimezone(UTC)
            due = self._days[key]
        else:
            due = due_at(start=start, period=period, calendar=calendar).astimezone(UTC)
        warn = warning_times(start=start, due=due, thresholds=clock.warn_at)
        return PlannedClock(kind, start, due, describe(period), tuple(warn), period.unit, period.amount)
