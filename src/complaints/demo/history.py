"""A past for the demo bank: N synthetic complaints over D days, loaded by COPY.

`complaints demo history --cases N --days D` fills the reports with something to show. Every
case is consistent with the applied configuration: routed by the rulebook's floors and rules
(repeats to the original's unit), assigned by the A/B roles, given the three routed clocks of
the SLA policy on the bank's calendar, and handled along a short trail of events: most
resolved and closed on time, some late (breach events, escalation), transferred, returned,
reopened or called back dissatisfied; repeats and groups flagged and linked like routing links
them; the most recent still open. The mix is history_mix.py's; one seed, one history.

Nobody real: the sealed complainant columns stay NULL and the identity hashes are random
strings. Case numbers are HX + receipt date + case id, so they never meet live intake's
TS numbers; ids are taken from the cases' identity like any insert, and intake's case-number
sequence is not touched. Loading twice adds a second history beside the first.
"""

import asyncio
import bisect
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db import bulk, events
from complaints.db.models import Case
from complaints.domain import routing
from complaints.domain.assignment import pick_handler
from complaints.domain.events import EventKind
from complaints.domain.rulebook import Rulebook
from complaints.domain.vocabulary import (
    BusinessType,
    Cause,
    Channel,
    DeadlineKind,
    Flag,
    Satisfaction,
    Severity,
    Source,
    Status,
)
from complaints.handling.resolution import KEPT_BY_PROPOSAL
from complaints.reports import facts as report_facts
from complaints.routing.repeats import GROUP_MIN_COMPLAINANTS, REPEAT_WINDOW, Duplicates, to_original_unit
from complaints.routing.route_case import ACTOR as ROUTER
from complaints.routing.route_case import ROUTED_CLOCKS

from . import history_mix as mix_of
from .history_mix import MIX, Mix
from .history_trail import ACTOR, Clock, Handled, Planner, Row, Trail, money

PREFIX = "HX"
CHUNK = 20_000  # cases per COPY round
# Cases a repeat may go back to: enough to reach back a few weeks at a million a year.
RECENT = 60_000

CASE_COLUMNS = (
    "id", "case_number", "status", "channel", "source", "received_at", "created_at", "updated_at",
    "content", "demand", "branch_code", "amount", "confidential", "business_type", "cause",
    "severity", "flags", "unit_code", "assignee_staff_id", "routing_rule", "routing_reason",
    "escalation_level", "complainant_phone_hash", "complainant_customer_no_hash", "first_receiver",
    "assigned_at", "accepted_at", "accepted_by", "transfer_count", "return_count", "outcome",
    "verdict", "outcome_amount", "reply", "resolved_at", "satisfaction", "refusal_ground", "closed_at",
)  # fmt: skip
DEADLINE_COLUMNS = (
    "case_id", "kind", "state", "started_at", "due_at", "period", "unit", "amount", "excluded",
    "warn_at", "warnings_sent", "next_check_at", "breached_at", "met_at",
)  # fmt: skip
LINK_COLUMNS = ("case_id", "related_case_id", "kind", "reason", "created_at")
TABLES = ("cases", "deadlines", "case_events", "case_links")


@dataclass
class Tally:
    """What was generated, counted the way the report facts count it."""

    cases: int = 0
    open: int = 0
    overdue: int = 0  # open with the resolution clock past due
    on_time: int = 0
    late: int = 0
    resolved: int = 0
    transferred: int = 0
    returned: int = 0
    reopened: int = 0  # by new facts or a dissatisfied callback
    repeats: int = 0
    group: int = 0
    answered: int = 0  # a callback answer stands (a dissatisfied one until answered again)
    satisfied: int = 0  # satisfied or basically satisfied
    dissatisfied_callbacks: int = 0
    links: int = 0
    events: int = 0


@dataclass(frozen=True)
class Earlier:
    """A generated case a later repeat may point back to."""

    case_id: int
    case_number: str
    received_at: datetime
    finished_at: datetime | None  # closed, withdrawn or refused; None while open
    person: str
    business_type: BusinessType
    cause: Cause
    unit: str


def receipt_times(
    rng: random.Random, *, count: int, days: int, end: date, now: datetime, rulebook: Rulebook
) -> list[datetime]:
    """`count` moments over the `days` days ending with `end`, none after `now`, in order:
    working days busier than rest days, office hours busier than nights."""
    calendar = rulebook.calendar
    first = end - timedelta(days=days - 1)
    span = [first + timedelta(days=n) for n in range(days)]
    span = [day for day in span if calendar.start_of_day(day) < now] or [calendar.local_date(now)]
    weights = [1.0 if calendar.is_workday(day) else 0.45 for day in span]
    moments = []
    for day in rng.choices(span, weights, k=count):
        start = calendar.start_of_day(day)
        moment = start + timedelta(hours=mix_of.HOURS.draw(rng), seconds=rng.randrange(3600))
        if moment >= now:  # today's share, squeezed into the part of today already past
            moment = start + (now - start) * rng.random()
        moments.append(moment.astimezone(UTC))
    moments.sort()
    return moments


class Generator:
    """Cases in receipt order, each with its clocks, events and links, as COPY rows."""

    def __init__(self, *, rulebook: Rulebook, seed: int, now: datetime, mix: Mix = MIX) -> None:
        self.rulebook = rulebook
        self.rng = random.Random(seed)
        self.now = now.astimezone(UTC)
        self.mix = mix
        self.planner = Planner(rulebook)
        self.tally = Tally()
        self._routes: dict[routing.CaseFacts, routing.RoutingDecision] = {}
        self._handlers: dict[tuple[str, str | None], str | None] = {}
        self._branches = sorted(code for code, kind in rulebook.units.items() if kind == "branch")
        self._offices = sorted(code for code, kind in rulebook.units.items() if kind != "branch")
        self._recent: list[Earlier] = []
        self._recent_times: list[datetime] = []
        self._group: list[tuple[int, str]] = []  # (case id, person) of the group so far
        self._group_left = 0
        self._group_case: tuple[BusinessType, Cause, str] | None = None

    def rows(self, ids: Sequence[int], times: Sequence[datetime]) -> Iterator[dict[str, list[Row]]]:
        """COPY rows per table, CHUNK cases at a time."""
        for start in range(0, len(ids), CHUNK):
            chunk: dict[str, list[Row]] = {table: [] for table in TABLES}
            for case_id, received in zip(
                ids[start : start + CHUNK], times[start : start + CHUNK], strict=True
            ):
                self._case(case_id, received, chunk)
            yield chunk

    # --- one case ------------------------------------------------------------------------

    def _case(self, case_id: int, received: datetime, out: dict[str, list[Row]]) -> None:
        rng, mix = self.rng, self.mix
        number = f"{PREFIX}{self.rulebook.calendar.local_date(received):%Y%m%d}{case_id:010d}"
        flags: set[Flag] = set()
        links: list[Row] = []
        original = None
        if self._group_left == 0 and rng.random() < mix.group_start:
            self._group_left = rng.randint(GROUP_MIN_COMPLAINANTS, 12)
            self._group = []
            business_type = mix_of.BUSINESS_TYPES.draw(rng)
            self._group_case = (
                business_type,
                mix_of.CAUSES[business_type].draw(rng),
                rng.choice(mix_of.DETAILS),
            )
        if self._group_left > 0 and self._group_case is not None:
            business_type, cause, detail = self._group_case
            person = self._person()
            # Routing flags a group once five people have written the same words (repeats.py).
            if len(self._group) >= GROUP_MIN_COMPLAINANTS - 1:
                flags.add(Flag.GROUP)
                reason = "near-identical text from another complainant within a day"
                links += [(case_id, other, "group", reason, received) for other, _ in self._group]
            self._group.append((case_id, person))
            self._group_left -= 1
            content = f"我们几十人集体投诉：{self._words(business_type, cause)}，{detail}。"
        else:
            original = self._original(received) if rng.random() < mix.repeat else None
            if original is not None:
                person, business_type, cause = original.person, original.business_type, original.cause
                flags.add(Flag.REPEAT)
                links.append((case_id, original.case_id, "repeat", "same complainant, same issue", received))
            else:
                person = self._person()
                business_type = mix_of.BUSINESS_TYPES.draw(rng)
                cause = mix_of.CAUSES[business_type].draw(rng)
            content = f"{self._words(business_type, cause)}，{rng.choice(mix_of.DETAILS)}。"

        channel = mix_of.CHANNELS.draw(rng)
        source = Source.REGULATOR if channel == Channel.REGULATOR else mix_of.SOURCES.draw(rng)
        branch = (
            rng.choice(self._branches)
            if channel == Channel.WALK_IN or rng.random() < mix.named_branch
            else None
        )
        flags |= self._flags(business_type, cause, channel)
        decision = self._route(
            routing.CaseFacts(
                business_type=business_type,
                cause=cause,
                severity=mix_of.SEVERITIES.draw(rng),
                flags=frozenset(flags),
                channel=channel,
                source=source,
                branch_code=branch,
            ),
            original,
        )
        unit = decision.unit
        handler = self._handler(unit, branch)
        trail = Trail(case_id, unit)
        for kind in ROUTED_CLOCKS:
            trail.restart(self.planner.plan(kind, start=received, severity=decision.severity))
        handled = self._handle(
            trail,
            received=received,
            unit=unit,
            handler=handler,
            severity=decision.severity,
            rule=decision.rule,
        )
        trail.settle(self.now, self.rulebook)
        trail.events.sort(key=lambda event: event[2])

        if original is not None:
            self.tally.repeats += 1
        self.tally.group += Flag.GROUP in flags
        self.tally.links += len(links)
        self._count(trail, handled)
        amount = money(rng) if cause in (Cause.FEES, Cause.FUND_SECURITY) else None
        out["cases"].append(
            (
                case_id, number, trail.status, channel, source, received, received, trail.events[-1][2],
                content, rng.choice(mix_of.DEMANDS), branch, amount, Flag.CONFIDENTIAL in flags,
                business_type, cause, decision.severity, sorted(flags), unit, handler, decision.rule,
                decision.reason, trail.level, person, person if rng.random() < 0.7 else None,
                f"{channel.value} desk", handled.assigned_at, handled.accepted_at,
                handler if handled.accepted_at else None, handled.transfers, handled.returns,
                handled.outcome, handled.verdict, handled.outcome_amount,
                "已按处理结果答复客户" if handled.outcome else None, handled.resolved_at,
                handled.satisfaction, handled.refusal_ground, handled.closed_at,
            )
        )  # fmt: skip
        out["deadlines"].extend(self._deadline_row(case_id, clock) for clock in trail.clocks.values())
        out["case_events"].extend(trail.events)
        out["case_links"].extend(links)
        finished = handled.closed_at or handled.finished_at
        self._remember(Earlier(case_id, number, received, finished, person, business_type, cause, unit))

    def _handle(
        self,
        trail: Trail,
        *,
        received: datetime,
        unit: str,
        handler: str | None,
        severity: Severity,
        rule: str,
    ) -> Handled:
        """Walk the case through its life up to `now`."""
        rng, mix, rulebook, now = self.rng, self.mix, self.rulebook, self.now
        done = Handled()
        trail.step(EventKind.RECEIVED, received, to=Status.RECEIVED, actor=f"{ACTOR}:intake")
        at = received + timedelta(seconds=rng.randint(5, 300))
        if at > now:
            return done
        first_unit = unit
        if rng.random() < mix.transferred:
            first_unit = rng.choice([code for code in self._offices if code != unit] or [unit])
        trail.step(EventKind.ASSIGNED, at, to=Status.ASSIGNED, actor=ROUTER, unit=first_unit, rule=rule)
        done.assigned_at = at
        if first_unit != unit:
            at += timedelta(hours=rng.uniform(1, 20))
            if at > now:
                return done
            trail.step(EventKind.TRANSFERRED, at, to=Status.ASSIGNED, unit=unit)
            done.transfers = 1
            done.assigned_at = at
        if rng.random() < mix.refused:
            at += timedelta(hours=rng.uniform(1, 24))
            if at > now:
                return done
            done.refusal_ground = mix_of.REFUSAL_GROUNDS.draw(rng)
            trail.meet(list(DeadlineKind), at, rulebook)
            trail.step(EventKind.REFUSED, at, to=Status.REFUSED, ground=done.refusal_ground)
            done.finished_at = at
            return done
        first_response = trail.clocks[DeadlineKind.FIRST_RESPONSE].plan
        at += (first_response.due_at - at) * rng.uniform(0.05, 0.7)
        if at > now:
            return done
        trail.step(
            EventKind.ACCEPTED,
            at,
            to=Status.ACCEPTED,
            actor=handler or ACTOR,
            first_receiver=f"{ACTOR}:intake",
        )
        trail.meet([DeadlineKind.FIRST_RESPONSE], at, rulebook)
        done.accepted_at = at
        trail.step(EventKind.CONTACTED, at, to=Status.IN_PROGRESS, actor=handler or ACTOR)
        if rng.random() < mix.withdrawn:
            at += timedelta(hours=rng.uniform(2, 72))
            if at > now:
                return done
            trail.meet(list(DeadlineKind), at, rulebook)
            trail.step(EventKind.WITHDRAWN, at, to=Status.WITHDRAWN)
            done.finished_at = at
            return done
        stuck = rng.random() < mix.stuck
        late = rng.random() < mix.late
        # What sends the first proposal back: a supervisor (退回重办), new facts.
        rework = [
            kind
            for kind, share in ((EventKind.RETURNED, mix.returned), (EventKind.REOPENED, mix.reopened))
            if rng.random() < share
        ]
        for round_ in range(4):  # proposals: the first, after rework, after a dissatisfied callback
            if stuck:
                return done
            resolution = trail.clocks[DeadlineKind.RESOLUTION].plan
            if late and round_ == 0:
                at = resolution.due_at + timedelta(hours=rng.uniform(2, 140))
            else:
                at += (resolution.due_at - at) * rng.uniform(0.15, 0.95)
            if at > now:
                return done
            trail.meet(list(KEPT_BY_PROPOSAL), at, rulebook)
            done.resolve(rng, at)
            trail.step(
                EventKind.RESOLVED,
                at,
                to=Status.RESOLVED,
                actor=handler or ACTOR,
                outcome=done.outcome,
                verdict=done.verdict,
            )
            if rework:
                at += (
                    timedelta(hours=rng.uniform(2, 24))
                    if rework[0] == EventKind.RETURNED
                    else timedelta(days=rng.uniform(1, 10))
                )
                if at > now:
                    return done
                self._rework(trail, done, rework.pop(0), at=at, severity=severity)
                continue
            at += timedelta(hours=rng.uniform(2, 30))
            if at > now:
                return done
            if rng.random() < mix.answered:
                answer = self._answer(second=done.dissatisfied > 0)
                done.satisfaction = answer
                if answer == Satisfaction.DISSATISFIED:
                    done.dissatisfied += 1
                    trail.step(
                        EventKind.CALLED_BACK,
                        at,
                        to=Status.IN_PROGRESS,
                        satisfaction=answer.value,
                        reopened=True,
                    )
                    trail.restart(self.planner.plan(DeadlineKind.RESOLUTION, start=at, severity=severity))
                    continue
                trail.step(EventKind.CALLED_BACK, at, satisfaction=answer.value)
            at += timedelta(hours=rng.uniform(1, 48))
            if at > now:
                return done
            trail.step(
                EventKind.CLOSED,
                at,
                to=Status.CLOSED,
                satisfaction=done.satisfaction,
                called_back=done.satisfaction is not None,
            )
            done.closed_at = at
            return done
        return done

    def _rework(
        self, trail: Trail, done: Handled, kind: EventKind, *, at: datetime, severity: Severity
    ) -> None:
        """The proposal goes back (returned) or new facts arrive (reopened): a fresh resolution
        period; a return owes the regulatory decision by its old date, a reopen by a new one."""
        restart = [DeadlineKind.RESOLUTION]
        if kind == EventKind.RETURNED:
            done.returns += 1
            trail.clocks[DeadlineKind.REGULATORY].met_at = None
            trail.step(kind, at, to=Status.IN_PROGRESS, reason="the proposal needs more evidence")
        else:
            done.reopens += 1
            restart.append(DeadlineKind.REGULATORY)
            trail.step(kind, at, to=Status.IN_PROGRESS, reason="new facts from the complainant")
        for clock in restart:
            trail.restart(self.planner.plan(clock, start=at, severity=severity))

    # --- pieces ----------------------------------------------------------------------------

    def _answer(self, *, second: bool) -> Satisfaction:
        draw = self.rng.random()
        if not second and draw < self.mix.dissatisfied:
            return Satisfaction.DISSATISFIED
        if draw < self.mix.dissatisfied + self.mix.basically_satisfied:
            return Satisfaction.BASICALLY_SATISFIED
        return Satisfaction.SATISFIED

    def _person(self) -> str:
        return f"{self.rng.getrandbits(256):064x}"

    def _words(self, business_type: BusinessType, cause: Cause) -> str:
        keywords = self.rulebook.keywords
        product = keywords.business_types.get(business_type) or ("其他业务",)
        trouble = keywords.causes.get(cause) or ("其他问题",)
        return f"{self.rng.choice(product[:3])}{self.rng.choice(trouble[:3])}"

    def _flags(self, business_type: BusinessType, cause: Cause, channel: Channel) -> set[Flag]:
        rng, mix = self.rng, self.mix
        flags = set()
        if business_type == BusinessType.PERSONAL_INFORMATION or cause == Cause.INFORMATION_SECURITY:
            flags.add(Flag.INFORMATION_SECURITY)
        if channel == Channel.REGULATOR:
            flags.add(Flag.REGULATOR_REFERRED)
        if channel == Channel.MEDIA or rng.random() < mix.media:
            flags.add(Flag.MEDIA)
        if rng.random() < mix.vip:
            flags.add(Flag.VIP)
        if rng.random() < mix.confidential:
            flags.add(Flag.CONFIDENTIAL)
        return flags

    def _route(self, facts: routing.CaseFacts, original: Earlier | None) -> routing.RoutingDecision:
        rulebook = self.rulebook
        decision = self._routes.get(facts)
        if decision is None:
            decision = routing.route(
                facts,
                rules=rulebook.rules,
                floors=rulebook.floors,
                default_unit=rulebook.default_unit,
                known_units=rulebook.units.keys(),
            )
            self._routes[facts] = decision
        if original is None:
            return decision
        earlier = Case(id=original.case_id, case_number=original.case_number, unit_code=original.unit)
        return to_original_unit(decision, Duplicates(original=earlier, group=()), rulebook)

    def _handler(self, unit: str, branch: str | None) -> str | None:
        key = (unit, branch)
        if key not in self._handlers:
            person = pick_handler(
                self.rulebook.people_in(unit), complained_about=None, complained_branch=branch
            )
            self._handlers[key] = person.staff_id if person else None
        return self._handlers[key]

    def _original(self, received: datetime) -> Earlier | None:
        """A case of the last weeks still open when this one arrives, if the draw finds one."""
        back = received - REPEAT_WINDOW * self.rng.random()
        index = bisect.bisect_left(self._recent_times, back)
        if index >= len(self._recent):
            return None
        earlier = self._recent[index]
        if earlier.finished_at is not None and earlier.finished_at <= received:
            return None
        if earlier.business_type == BusinessType.OTHER:  # "same issue" needs a business type
            return None
        return earlier

    def _remember(self, case: Earlier) -> None:
        self._recent.append(case)
        self._recent_times.append(case.received_at)
        if len(self._recent) > 2 * RECENT:
            del self._recent[:RECENT]
            del self._recent_times[:RECENT]

    def _count(self, trail: Trail, handled: Handled) -> None:
        tally = self.tally
        tally.cases += 1
        tally.events += len(trail.events)
        tally.transferred += handled.transfers > 0
        tally.returned += handled.returns > 0
        tally.reopened += handled.reopens + handled.dissatisfied > 0
        tally.dissatisfied_callbacks += handled.dissatisfied
        tally.resolved += handled.resolved_at is not None
        answer = handled.satisfaction or (Satisfaction.DISSATISFIED if handled.dissatisfied else None)
        tally.answered += answer is not None
        tally.satisfied += answer in (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)
        open_ = trail.status not in (Status.RESOLVED, Status.CLOSED, Status.WITHDRAWN, Status.REFUSED)
        tally.open += open_
        resolution = trail.clocks[DeadlineKind.RESOLUTION]
        if trail.status != Status.WITHDRAWN:
            if trail.resolution_breached:
                tally.late += 1
            elif resolution.met_at is not None:
                tally.on_time += 1
        tally.overdue += open_ and resolution.breached_at is not None and resolution.met_at is None

    def _deadline_row(self, case_id: int, clock: Clock) -> Row:
        plan, now = clock.plan, self.now
        warned = sum(1 for moment in plan.warn_at if moment <= now)
        if clock.breached_at is not None:
            state, next_check, warned = "breached", None, len(plan.warn_at)
        elif clock.met_at is not None:
            state, next_check = "met", None
            warned = sum(1 for moment in plan.warn_at if moment <= clock.met_at)
        else:
            state, next_check = ("warned" if warned else "running"), plan.next_check_after(warned)
        return (
            case_id, plan.kind, state, plan.started_at, plan.due_at, plan.period, plan.unit,
            plan.amount, 0, list(plan.warn_at), warned, next_check, clock.breached_at, clock.met_at,
        )  # fmt: skip


async def load(
    session: AsyncSession,
    *,
    rulebook: Rulebook,
    cases: int,
    days: int,
    end: date,
    seed: int,
    now: datetime,
    mix: Mix = MIX,
) -> Tally:
    """Generate and COPY the history in the session's transaction, then refresh the report
    facts so reports see it."""
    rulebook.calendar.ensure_covers(
        end - timedelta(days=days), rulebook.calendar.local_date(now) + timedelta(days=30)
    )
    generator = Generator(rulebook=rulebook, seed=seed, now=now, mix=mix)
    times = receipt_times(generator.rng, count=cases, days=days, end=end, now=now, rulebook=rulebook)
    connection = await bulk.driver_connection(session)
    ids = await bulk.reserve_ids(connection, table="cases", count=cases)
    columns = dict(zip(TABLES, (CASE_COLUMNS, DEADLINE_COLUMNS, events.COLUMNS, LINK_COLUMNS), strict=True))
    chunks = generator.rows(ids, times)
    # The next chunk is generated in a thread while this one is copied, so the server's work
    # (indexes, WAL) overlaps Python's.
    upcoming = asyncio.create_task(asyncio.to_thread(next, chunks, None))
    while (chunk := await upcoming) is not None:
        upcoming = asyncio.create_task(asyncio.to_thread(next, chunks, None))
        for table, rows in chunk.items():
            await bulk.copy_rows(connection, table=table, columns=columns[table], rows=rows)
    await bulk.analyze(connection, tables=TABLES)
    await report_facts.refresh(session, now=now, timezone=rulebook.calendar.tz)
    return generator.tally
