"""`POST /v1/complaints/{case_number}/{action}`: working a case through its lifecycle.

Every action needs the `handle` scope, answers 200 with the case as it now stands, and
writes one append-only event (`GET /v1/complaints/{case_number}/events`). An action the case's
status does not allow answers 409 with `allowed`, the actions allowed now. Actions on one case
are serialised: each locks the case row until it commits.
"""

import inspect
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.domain.lifecycle import Action
from complaints.domain.rulebook import Rulebook
from complaints.handling import actions
from complaints.handling import case_reads as cases
from complaints.schemas.actions import ActionBody
from complaints.schemas.complaint import CaseView
from complaints.schemas.keys import Permission
from complaints.security.api_keys import Principal
from intake_api.channels.deps import RulebooksDep
from intake_api.dependencies import ERROR_RESPONSES, NowDep, SessionDep, require

router = APIRouter(prefix="/v1/complaints", tags=["case handling"], responses=ERROR_RESPONSES)

HandleKey = Annotated[Principal, Depends(require(Permission.HANDLE))]

COMMON = (
    " The acting handler is `actor` (a configured staff id) or else the API key's name; the person "
    "the complaint is about is recused (403). 409 lists the actions allowed in the case's status."
)


async def get_rulebook(session: SessionDep, rulebooks: RulebooksDep) -> Rulebook:
    """The applied configuration, re-read only when a newer one has been applied."""
    return await rulebooks.get(session)


RulebookDep = Annotated[Rulebook, Depends(get_rulebook)]


async def act(
    session: SessionDep,
    *,
    case_number: str,
    action: Action,
    body: ActionBody,
    principal: Principal,
    rulebook: Rulebook,
    now: datetime,
) -> CaseView:
    case = await actions.perform(
        session,
        case_number=case_number,
        action=action,
        body=body,
        principal=principal,
        rulebook=rulebook,
        now=now,
    )
    return await cases.case_view(session, case=case, principal=principal, now=now)


def _endpoint(spec: actions.ActionSpec) -> Callable[..., Awaitable[CaseView]]:
    """The route of one registry entry, its body typed as the entry's model (FastAPI reads the
    signature to validate it and to publish it in the OpenAPI spec)."""

    async def endpoint(
        case_number: str,
        session: AsyncSession,
        principal: Principal,
        rulebook: Rulebook,
        now: datetime,
        body: ActionBody | None = None,
    ) -> CaseView:
        return await act(
            session,
            case_number=case_number,
            action=spec.action,
            body=body or spec.body(),
            principal=principal,
            rulebook=rulebook,
            now=now,
        )

    body = (
        inspect.Parameter("body", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=spec.body | None)
        if spec.body_optional
        else inspect.Parameter("body", inspect.Parameter.KEYWORD_ONLY, annotation=spec.body)
    )
    keyword = inspect.Parameter.KEYWORD_ONLY
    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("case_number", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str),
            inspect.Parameter("session", keyword, annotation=SessionDep),
            inspect.Parameter("principal", keyword, annotation=HandleKey),
            inspect.Parameter("rulebook", keyword, annotation=RulebookDep),
            inspect.Parameter("now", keyword, annotation=NowDep),
            body,
        ],
        return_annotation=CaseView,
    )
    endpoint.__name__ = spec.operation_id
    return endpoint


for spec in actions.ACTIONS:
    router.add_api_route(
        f"/{{case_number}}/{spec.action.value}",
        _endpoint(spec),
        methods=["POST"],
        response_model=CaseView,
        operation_id=spec.operation_id,
        summary=spec.summary,
        description=spec.description + COMMON,
    )
