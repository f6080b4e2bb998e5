"""/v1/admin/keys: issue, list, rotate and revoke API keys (admin scope, unbound keys only)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from complaints.errors import Conflict
from complaints.schemas.keys import IssuedKey, KeyCreate, KeyList, KeyView, Permission
from complaints.security import api_key_admin as keys
from complaints.security.api_keys import Principal
from intake_api.dependencies import ERROR_RESPONSES, NowDep, SessionDep, require

router = APIRouter(prefix="/v1/admin/keys", tags=["administration"], responses=ERROR_RESPONSES)

Admin = Annotated[Principal, Depends(require(Permission.ADMIN, unbound=True))]
KeyId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The key's id (from the list)")]


@router.post(
    "",
    status_code=201,
    response_model=IssuedKey,
    operation_id="createApiKey",
    responses={201: {"description": "The key: its `key` is shown this once and never again"}},
)
async def create_api_key(data: KeyCreate, session: SessionDep, now: NowDep, admin: Admin) -> IssuedKey:
    return await keys.issue(session, data=data, now=now)


@router.get("", response_model=KeyList, operation_id="listApiKeys")
async def list_api_keys(session: SessionDep, admin: Admin) -> KeyList:
    """Every key with its scopes, unit and last use; never the keys themselves."""
    return KeyList(items=await keys.list_keys(session))


@router.post("/{key_id}/rotate", response_model=IssuedKey, operation_id="rotateApiKey")
async def rotate_api_key(key_id: KeyId, session: SessionDep, now: NowDep, admin: Admin) -> IssuedKey:
    """A new secret for the key; the old one stops working at once. Shown this once."""
    if key_id == admin.key_id:
        raise Conflict("a key cannot rotate itself: use another admin key (or the CLI)")
    row = await keys.find(session, key_id=key_id)
    return await keys.rotate(session, row=row, now=now)


@router.post("/{key_id}/revoke", response_model=KeyView, operation_id="revokeApiKey")
async def revoke_api_key(key_id: KeyId, session: SessionDep, now: NowDep, admin: Admin) -> KeyView:
    """The key stops working at once (idempotent)."""
    if key_id == admin.key_id:
        raise Conflict("a key cannot revoke itself: use another admin key (or the CLI)")
    row = await keys.find(session, key_id=key_id)
    return await keys.revoke(session, row=row, now=now)
