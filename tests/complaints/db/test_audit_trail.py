"""The audit trail is append-only in Postgres itself, not by convention: whoever the application
connects as (the table's owner included) can add events but never rewrite or remove one.

The one rewrite there is, a data subject's erasure (PIPL), replaces text inside the events of
a case already marked erased, through its own transaction-local switch; who, when and what
happened (kind, time, actor, statuses) stays as it was."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable

from complaints.db import tenancy
from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import Case, CaseEvent

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
ERASURE = "complaints.event_rewrite"


@pytest.fixture
async def event_id(sessions: SessionFactory) -> int:
    async with unit_of_work(sessions) as session:
        case = Case(
            case_number="TS20261123000001",
            status="assigned",
            channel="hotline",
            source="direct",
            received_at=NOW,
            content="x",
            severity="general",
            flags=[],
            escalation_level="handler",
            confidential=False,
            unit_code="BR-001",
        )
        session.add(case)
        await session.flush()
        event = CaseEvent(
            case_id=case.id, kind="received", at=NOW, actor="hotline", reason="r", data={"a": "b"}
        )
        session.add(event)
        await session.flush()
        return event.id


async def trail(sessions: SessionFactory) -> list[tuple[object, ...]]:
    async with sessions() as session:
        rows = await session.execute(
            select(CaseEvent.id, CaseEvent.kind, CaseEvent.actor, CaseEvent.reason, CaseEvent.data)
        )
        return [tuple(row) for row in rows]


REWRITES = {
    "update-reason": update(CaseEvent).values(reason="nothing happened"),
    "update-actor": update(CaseEvent).values(actor="someone else"),
    "backdate": update(CaseEvent).values(at=func.now()),
    "delete": delete(CaseEvent),
}


async def run(sessions: SessionFactory, *statements: Executable, erasing: bool = False) -> None:
    """The statements in one transaction; `erasing`: as an erasure does, after marking the case."""
    async with unit_of_work(sessions) as session:
        if erasing:
            await session.execute(update(Case).values(erased_at=NOW))
        for statement in statements:
            await session.execute(statement)


SWITCH = select(func.set_config(ERASURE, "erasure", True))


@pytest.mark.parametrize("statement", REWRITES.values(), ids=REWRITES.keys())
async def test_the_application_cannot_rewrite_or_remove_an_event(
    sessions: SessionFactory, event_id: int, statement: Executable
) -> None:
    before = await trail(sessions)

    with pytest.raises(DBAPIError, match="append-only"):
        await run(sessions, statement)

    assert await trail(sessions) == before


async def test_not_through_the_orm_either(sessions: SessionFactory, event_id: int) -> None:
    async def rewrite() -> None:
        async with unit_of_work(sessions) as session:
            event = await session.get(CaseEvent, event_id)
            assert event is not None
            event.data = {"a": "rewritten"}

    with pytest.raises(DBAPIError, match="append-only"):
        await rewrite()


async def test_the_erasure_switch_alone_does_not_open_a_live_case_history(
    sessions: SessionFactory, event_id: int
) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        await run(sessions, SWITCH, update(CaseEvent).values(reason="[erased]"))


async def test_an_erasure_replaces_text_but_not_who_did_what_when(
    sessions: SessionFactory, event_id: int
) -> None:
    await run(
        sessions, SWITCH, update(CaseEvent).values(reason="[erased]", data={"a": "[erased]"}), erasing=True
    )
    assert await trail(sessions) == [(event_id, "received", "hotline", "[erased]", {"a": "[erased]"})]

    for statement in (update(CaseEvent).values(kind="closed"), delete(CaseEvent)):
        with pytest.raises(DBAPIError, match="append-only"):
            await run(sessions, SWITCH, statement, erasing=True)
    with pytest.raises(DBAPIError, match="append-only"):  # the switch ended with its transaction
        await run(sessions, update(CaseEvent).values(reason="again"))


async def test_a_branch_has_no_update_or_delete_grant_on_events(
    sessions: SessionFactory, event_id: int
) -> None:
    async with sessions() as session:
        await session.begin()
        await tenancy.restrict(session, unit_code="BR-001")
        with pytest.raises(DBAPIError, match="permission denied"):
            await session.execute(text("UPDATE case_events SET reason = 'x'"))
