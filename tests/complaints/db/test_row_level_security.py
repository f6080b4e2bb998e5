"""The second wall: Postgres itself hides other branches' cases from a branch's transaction.

These queries deliberately leave out `Principal.case_filter` — the code's wall — to show that a
forgotten filter still leaks nothing.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, ProgrammingError
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db import tenancy
from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import ApiKey, Case, CaseEvent, CaseLink, Deadline, PersonalDataRead

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
# case number → (assigned unit, submitting unit)
CASES = {
    "BR1-ASSIGNED": ("BR-001", None),
    "BR2-ASSIGNED": ("BR-002", None),
    "BR2-FILED": ("HQ-CARD", "BR-002"),
    "HQ-ONLY": ("HQ-CP", None),
    "UNROUTED": (None, None),
}


@pytest.fixture
async def seeded(sessions: SessionFactory) -> SessionFactory:
    async with unit_of_work(sessions) as session:
        for number, (unit, filed_by) in CASES.items():
            case = Case(
                case_number=number,
                status="assigned",
                channel="hotline",
                source="direct",
                received_at=NOW,
                content="x",
                severity="general",
                flags=[],
                escalation_level="handler",
                confidential=False,
                unit_code=unit,
                submitted_by_unit=filed_by,
                complainant_name=f"person of {number}",
            )
            session.add(case)
            await session.flush()
            session.add(CaseEvent(case_id=case.id, kind="received", at=NOW, actor="t", data={}))
            session.add(
                Deadline(
                    case_id=case.id,
                    kind="resolution",
                    state="running",
                    started_at=NOW,
                    due_at=NOW,
                    period="7 days",
                )
            )
            session.add(PersonalDataRead(case_id=case.id, actor="t", fields=["name"], purpose="test"))
    return sessions


async def as_branch(session: AsyncSession, unit: str) -> None:
    await session.begin()
    await tenancy.restrict(session, unit_code=unit)


async def numbers(session: AsyncSession) -> set[str]:
    return set(await session.scalars(select(Case.case_number)))


async def test_a_branch_transaction_sees_only_its_cases_without_any_filter_in_code(
    seeded: SessionFactory,
) -> None:
    async with seeded() as session:
        await as_branch(session, "BR-002")
        assert await session.scalar(text("SELECT current_user")) == tenancy.BRANCH_ROLE

        assert await numbers(session) == {"BR2-ASSIGNED", "BR2-FILED"}
        visible_ids = set(await session.scalars(select(Case.id)))
        for model in (CaseEvent, Deadline, PersonalDataRead):
            rows = set(await session.scalars(select(model.case_id)))  # type: ignore[attr-defined]
            assert rows == visible_ids, model.__tablename__
        # Raw SQL and aggregates too: nothing of another unit is counted.
        assert await session.scalar(text("SELECT count(*) FROM cases")) == 2
        assert await session.scalar(select(func.count()).select_from(CaseEvent)) == 2


async def test_every_unit_sees_a_disjoint_share_and_unrestricted_sessions_see_all(
    seeded: SessionFactory,
) -> None:
    seen: dict[str, set[str]] = {}
    for unit in ("BR-001", "BR-002", "BR-003", "HQ-CP"):
        async with seeded() as session:
            await as_branch(session, unit)
            seen[unit] = await numbers(session)
    async with seeded() as session:
        everything = await numbers(session)

    assert seen == {
        "BR-001": {"BR1-ASSIGNED"},
        "BR-002": {"BR2-ASSIGNED", "BR2-FILED"},
        "BR-003": set(),
        "HQ-CP": {"HQ-ONLY"},
    }
    assert everything == set(CASES)  # workers, the CLI and admin requests keep full access


async def test_the_restriction_holds_for_every_transaction_of_the_session(seeded: SessionFactory) -> None:
    async with seeded() as session:
        await as_branch(session, "BR-001")
        await session.commit()  # SET LOCAL ended with the transaction; the session applies it again
        assert await numbers(session) == {"BR1-ASSIGNED"}
        await session.rollback()
        assert await numbers(session) == {"BR1-ASSIGNED"}


async def test_a_branch_cannot_write_to_another_branchs_case(seeded: SessionFactory) -> None:
    async with seeded() as session:
        other = await session.scalar(select(Case.id).where(Case.case_number == "BR2-ASSIGNED"))
    async with seeded() as session:
        await as_branch(session, "BR-001")
        updated = await session.execute(
            text("UPDATE cases SET content = 'hacked' WHERE id = :id"), {"id": other}
        )
        assert updated.rowcount == 0  # type: ignore[attr-defined]
        with pytest.raises(DBAPIError, match="row-level security"):
            await session.execute(
                text(
                    "INSERT INTO case_events (case_id, kind, actor, data) VALUES (:id, 'forged', 'x', '{}')"
                ),
                {"id": other},
            )


async def test_a_branch_may_not_delete_any_event(seeded: SessionFactory) -> None:
    """The audit trail is append-only (migration 0012): the branch role has no DELETE at all."""
    async with seeded() as session:
        other = await session.scalar(select(Case.id).where(Case.case_number == "BR2-ASSIGNED"))
    async with seeded() as session:
        await as_branch(session, "BR-001")
        with pytest.raises(DBAPIError, match="permission denied"):
            await session.execute(text("DELETE FROM case_events WHERE case_id = :id"), {"id": other})


async def test_a_branch_files_cases_only_as_itself(seeded: SessionFactory) -> None:
    async with seeded() as session:
        await as_branch(session, "BR-001")
        with pytest.raises(DBAPIError, match="row-level security"):
            await session.execute(
                text(
                    "INSERT INTO cases (case_number, status, channel, source, received_at, content, "
                    "severity, flags, escalation_level, confidential, submitted_by_unit) VALUES ("
                    "'FORGED', 'received', 'hotline', 'direct', now(), 'x', 'general', '{}', 'handler', "
                    "false, 'BR-002')"
                )
            )


async def test_api_keys_are_out_of_a_branchs_reach(seeded: SessionFactory) -> None:
    async with seeded() as session:
        await as_branch(session, "BR-001")
        with pytest.raises(ProgrammingError, match="permission denied"):
            await session.execute(select(ApiKey.key_hash))


async def test_a_case_found_for_an_action_stays_visible_when_it_moves_away(seeded: SessionFactory) -> None:
    async with seeded() as session:
        await as_branch(session, "BR-001")
        case = await session.scalar(select(Case).where(Case.case_number == "BR1-ASSIGNED"))
        assert case is not None
        await tenancy.keep_visible(session, case_id=case.id)
        case.unit_code = "HQ-CP"  # a transfer
        await session.flush()
        session.add(CaseEvent(case_id=case.id, kind="transferred", at=NOW, actor="t", data={}))
        await session.flush()
        await session.commit()
        # The next transaction no longer sees it.
        assert await numbers(session) == set()


async def test_every_table_that_hangs_off_cases_has_the_branch_policy(sessions: SessionFactory) -> None:
    async with sessions() as session:
        rows = (
            await session.execute(
                text(
                    "SELECT c.conrelid::regclass::text, cl.relrowsecurity, "
                    "EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.conrelid) "
                    "FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid "
                    "WHERE c.contype = 'f' AND c.confrelid = 'cases'::regclass"
                )
            )
        ).all()
    tables = {name for name, _, _ in rows}
    assert {"cases", "case_events", "deadlines", "personal_data_reads"} <= tables
    unprotected = sorted(name for name, rls, policy in rows if not (rls and policy))
    assert unprotected == [], f"tables holding case data without row-level security: {unprotected}"


async def test_a_link_shows_only_to_a_branch_that_sees_both_of_its_cases(seeded: SessionFactory) -> None:
    async with unit_of_work(seeded) as session:
        ids = {c.case_number: c.id for c in await session.scalars(select(Case))}
        session.add_all(
            [
                CaseLink(case_id=ids["BR2-FILED"], related_case_id=ids["BR2-ASSIGNED"], kind="repeat"),
                CaseLink(case_id=ids["BR1-ASSIGNED"], related_case_id=ids["BR2-ASSIGNED"], kind="repeat"),
                CaseLink(case_id=ids["BR2-ASSIGNED"], related_case_id=ids["BR1-ASSIGNED"], kind="group"),
            ]
        )

    seen: dict[str, set[str]] = {}
    for unit in ("BR-001", "BR-002"):
        async with seeded() as session:
            await as_branch(session, unit)
            seen[unit] = {
                f"{link.case_id}>{link.related_case_id}" for link in await session.scalars(select(CaseLink))
            }
    assert seen["BR-001"] == set()  # neither link with a BR-002 case, whichever side it is on
    assert seen["BR-002"] == {f"{ids['BR2-FILED']}>{ids['BR2-ASSIGNED']}"}
