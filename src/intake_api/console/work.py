"""The work queue and the case page, and acting on a case from it.

An action goes through the same service as `POST /v1/complaints/{case_number}/{action}`, with
the signed-in person as the actor (so recusal and approval rules apply to them). A case the
person may not see is answered exactly like a missing one.
"""

import logging
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.domain.lifecycle import Action
from complaints.errors import ComplaintsError, Forbidden, InvalidInput, NotFound
from complaints.handling import actions
from complaints.handling import case_reads as cases
from complaints.handling.actions import SPECS
from complaints.handling.work_queue import Tab, work_queue
from complaints.schemas.actions import ActionBody
from intake_api.console import desk, forms
from intake_api.dependencies import now_of

log = logging.getLogger(__name__)

router = APIRouter(prefix="/console")

PAGE_SIZE = 25


@router.get("", response_class=HTMLResponse)
async def queue_page(
    request: Request,
    tab: Annotated[Tab, Query()] = Tab.MINE,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    async with desk.desk(request) as here:
        if here.staff is None:
            return desk.to_login(request)
        person = here.staff.person
        found = await work_queue(
            here.db,
            principal=here.staff.principal,
            tab=tab,
            staff_id=person.staff_id,
            unit_code=person.unit_code,
            page=page,
            size=PAGE_SIZE,
            now=now_of(request),
        )
        return desk.page(request, "queue.html", staff=here.staff, tab=tab, tabs=list(Tab), queue=found)


async def _case_page(
    request: Request,
    here: desk.Desk,
    *,
    case_number: str,
    done: str | None = None,
    error: str | None = None,
    code: int = 200,
) -> HTMLResponse:
    assert here.staff is not None
    try:
        case = await cases.find_case(here.db, case_number=case_number, principal=here.staff.principal)
    except NotFound:
        return desk.page(request, "not_found.html", staff=here.staff, code=404)
    view = await cases.case_view(
        here.db, case=case, principal=here.staff.principal, now=now_of(request), purpose="console"
    )
    trail = await cases.list_events(here.db, case=case)
    return desk.page(
        request,
        "case.html",
        staff=here.staff,
        code=code,
        case=view,
        events=trail.items,
        forms=forms.forms_for(view.status, units=sorted(here.staff.rulebook.units)),
        done=done if done in SPECS else None,
        error=error,
    )


@router.get("/cases/{case_number}", response_class=HTMLResponse)
async def case_page(
    request: Request, case_number: str, done: Annotated[str | None, Query(max_length=16)] = None
) -> Response:
    async with desk.desk(request) as here:
        if here.staff is None:
            return desk.to_login(request)
        return await _case_page(request, here, case_number=case_number, done=done)


def _status_of(error: ComplaintsError) -> int:
    """The page's HTTP status: the shown message is what matters to the person."""
    if isinstance(error, Forbidden):
        return 403
    return 422 if isinstance(error, InvalidInput) else 409


async def _perform(
    db: AsyncSession, here: desk.Desk, *, case_number: str, action: Action, body: ActionBody, now: datetime
) -> None:
    assert here.staff is not None
    await actions.perform(
        db,
        case_number=case_number,
        action=action,
        body=body,
        principal=here.staff.principal,
        rulebook=here.staff.rulebook,
        now=now,
    )


@router.post("/cases/{case_number}/{action}", response_class=HTMLResponse)
async def act_on_case(request: Request, case_number: str, action: str) -> Response:
    async with desk.desk(request) as here:
        if here.staff is None:
            return desk.to_login(request)
        chosen = next((known for known in SPECS if known.value == action), None)
        if chosen is None:
            return desk.page(request, "not_found.html", staff=here.staff, code=404)
        form = await request.form(max_files=0, max_fields=20, max_part_size=64 * 1024)
        if not desk.csrf_ok(request, form.get(desk.CSRF_FIELD)):
            log.info("console: an action without a valid CSRF token refused")
            return await _case_page(request, here, case_number=case_number, error="expired", code=403)
        staff_id = here.staff.person.staff_id
        zone = desk.settings_of(request).zone
        try:
            body = forms.parse(chosen, form, actor=staff_id, zone=zone)
            # A savepoint: an action a rule refuses leaves nothing behind in the page's unit of work.
            async with here.db.begin_nested():
                await _perform(
                    here.db, here, case_number=case_number, action=chosen, body=body, now=now_of(request)
                )
        except NotFound:
            return desk.page(request, "not_found.html", staff=here.staff, code=404)
        except ComplaintsError as error:
            # A rule said no (not allowed now, recused, a missing field): say why, on the case.
            return await _case_page(
                request, here, case_number=case_number, error=str(error), code=_status_of(error)
            )
        log.info("console: %s took %s on %s", staff_id, chosen.value, case_number)
        return RedirectResponse(f"/console/cases/{case_number}?done={chosen.value}", status_code=303)
