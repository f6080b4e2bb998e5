"""The public web form: GET/POST /complaint, its receipt page and /complaint/status.

Server-rendered, works without JavaScript, labels in Chinese and English. A submission must
carry the CSRF token (csrf.py) and stay within the per-address rate limit (intake_api/rate_limit.py);
every refusal is a polite HTML page, never a stack trace or JSON.
"""

import hmac
import logging
import mimetypes
import time
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException

from complaints.domain import attachments as attachment_rules
from complaints.domain.attachments import IncomingFile
from complaints.domain.vocabulary import Channel
from complaints.errors import InvalidInput
from complaints.intake import public_view as public
from complaints.intake.filing import file_complaint
from complaints.intake.inbound import ChannelIntake
from complaints.jobs.unit_of_work import unit_of_work
from complaints.schemas.complaint import ComplaintCreate
from complaints.secrets import secret_bytes
from complaints.settings import Settings
from intake_api.body_limit import BodyTooLarge
from intake_api.channels.csrf import COOKIE, FIELD, CsrfTokens, receipt_signature
from intake_api.channels.deps import ChannelIntakeDep, RulebooksDep
from intake_api.channels.pages import error_page, local_time, render
from intake_api.dependencies import QueueDep, SettingsDep, now_of
from intake_api.rate_limit import client_address, limiter_of

log = logging.getLogger(__name__)

router = APIRouter(prefix="/complaint", tags=["web form"], include_in_schema=False)

TEXT_FIELDS = ("name", "phone", "email", "customer_no", "branch_code", "content", "demand")
LABELS = {
    "name": "姓名 Name",
    "phone": "手机号码 Mobile phone",
    "email": "电子邮箱 E-mail",
    "customer_no": "客户号 Customer number",
    "branch_code": "涉及网点 Branch",
    "content": "投诉内容 What happened",
    "demand": "您的诉求 What you ask for",
    "attachments": "附件 Attachments",
}
MESSAGES = {
    "phone": "请填写有效的手机号码 Please give a valid phone number",
    "email": "请填写有效的邮箱地址 Please give a valid e-mail address",
    "content": "请填写投诉内容 Please describe what happened",
    "customer_no": "客户号只能包含字母和数字 Letters and digits only",
}


def web_secret(settings: Settings) -> bytes:
    return secret_bytes(settings.channels.web_secret, data_dir=settings.data_dir, name="web-secret")


def tokens(settings: Settings) -> CsrfTokens:
    return CsrfTokens(web_secret(settings), max_age_seconds=settings.channels.csrf_max_age_seconds)


def set_csrf_cookie(response: Response, token: str, settings: Settings, *, path: str) -> None:
    """The double-submit cookie, only for the pages under `path` that post the form back."""
    response.set_cookie(
        COOKIE,
        token,
        max_age=settings.channels.csrf_max_age_seconds,
        path=path,
        httponly=True,
        samesite="lax",
        secure=settings.channels.web_cookie_secure,
    )


async def _form_page(
    request: Request,
    settings: Settings,
    intake: ChannelIntake,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    issuer = tokens(settings)
    now = time.time()
    current = request.cookies.get(COOKIE)
    # Keep a cookie that has a while to go (other tabs hold the same token); else a fresh one.
    token = current if current and issuer.valid(current, now=now, spare=900) else issuer.issue(now=now)
    async with request.app.state.sessions() as session:
        branches = await public.branches(session)
    response = render(
        "form.html",
        code=status,
        csrf_token=token,
        values={field: "" for field in TEXT_FIELDS} | (values or {}),
        errors=errors or {},
        labels=LABELS,
        branches=branches,
        accept=",".join(sorted(intake.limits.types)),
    )
    set_csrf_cookie(response, token, settings, path="/complaint")
    return response


@router.get("", response_class=HTMLResponse)
async def complaint_form(request: Request, settings: SettingsDep, intake: ChannelIntakeDep) -> HTMLResponse:
    return await _form_page(request, settings, intake)


def _field_errors(error: ValidationError) -> dict[str, str]:
    found: dict[str, str] = {}
    for problem in error.errors():
        location = [str(part) for part in problem["loc"]]
        field = (
            location[-1]
            if location and location[0] == "complainant"
            else (location[0] if location else "content")
        )
        found.setdefault(field, MESSAGES.get(field, "请检查此项 Please check this field"))
    return found


async def _files(form: FormData) -> list[IncomingFile]:
    files = []
    for item in form.getlist("attachments"):
        if not isinstance(item, UploadFile) or not item.filename:
            continue  # the empty part a browser sends when no file was chosen
        data = await item.read()
        declared = (item.content_type or "").split(";")[0].strip().lower()
        if not declared or declared == "application/octet-stream":
            declared = mimetypes.guess_type(item.filename)[0] or "application/octet-stream"
        files.append(IncomingFile(filename=item.filename[-200:], content_type=declared, data=data))
    return files


async def _checked(
    request: Request, settings: Settings, form: FormData, intake: ChannelIntake
) -> Response | tuple[ComplaintCreate, list[IncomingFile]]:
    """The complaint and its files, or the page that says what is wrong."""
    token = form.get(FIELD)
    if not tokens(settings).verify(
        cookie=request.cookies.get(COOKIE), field=token if isinstance(token, str) else None, now=time.time()
    ):
        log.info("web form: submission without a valid CSRF token refused")
        return error_page(403)

    values = {field: str(form.get(field) or "").strip() for field in TEXT_FIELDS}
    confidential = form.get("confidential") == "yes"
    errors: dict[str, str] = {}
    if not values["phone"]:
        errors["phone"] = MESSAGES["phone"]
    data: ComplaintCreate | None = None
    try:
        # From one dict, so that every mistake is reported at once (nested ones included).
        data = ComplaintCreate.model_validate(
            {
                "channel": Channel.WEB,
                "complainant": {
                    "name": values["name"] or None,
                    "phone": values["phone"] or None,
                    "email": values["email"] or None,
                    "customer_no": values["customer_no"] or None,
                },
                "content": values["content"],
                "demand": values["demand"] or None,
                "branch_code": values["branch_code"] or None,
                "confidential": confidential,
            }
        )
    except ValidationError as error:
        errors |= _field_errors(error)
    files = await _files(form)
    try:
        attachment_rules.check(files, intake.limits)
    except InvalidInput as error:
        errors["attachments"] = str(error)
    if errors or data is None:
        shown = values | ({"confidential": "yes"} if confidential else {})
        return await _form_page(request, settings, intake, values=shown, errors=errors, status=422)
    return data, files


@router.post("", response_class=HTMLResponse)
async def submit_complaint(
    request: Request, settings: SettingsDep, redis: QueueDep, intake: ChannelIntakeDep
) -> Response:
    wait = await limiter_of(request).retry_after(
        f"web-form:{client_address(request.scope)}",
        limit=settings.channels.web_rate_limit,
        window_seconds=settings.channels.web_rate_window_seconds,
    )
    if wait is not None:
        log.info("web form: rate limit reached for a client")
        return error_page(429, headers={"Retry-After": str(wait)})
    try:
        form = await request.form(
            max_files=intake.limits.max_count + 5, max_fields=40, max_part_size=64 * 1024
        )
    except BodyTooLarge:
        return error_page(413)
    except HTTPException:
        return error_page(400)
    try:
        checked = await _checked(request, settings, form, intake)
    finally:
        await form.close()  # the uploads' temporary files
    if isinstance(checked, Response):
        return checked
    data, files = checked

    try:
        # Its own unit of work rather than the request's: a store that fails must still
        # answer with the form's own page, not a problem document.
        async with unit_of_work(request.app.state.sessions, redis) as session:
            filed = await file_complaint(
                session, data=data, files=files, intake=intake, now=now_of(request), filer=None, actor="web"
            )
    except (DBAPIError, OSError) as error:
        log.warning("web form: could not store a complaint: %s", type(error).__name__)
        return error_page(503, headers={"Retry-After": "30"})
    number = filed.case_number
    log.info("web form: case %s opened", number)
    signature = receipt_signature(web_secret(settings), number)
    return RedirectResponse(f"/complaint/receipt/{number}?t={signature}", status_code=303)


@router.get("/receipt/{case_number}", response_class=HTMLResponse)
async def receipt_page(
    request: Request,
    case_number: str,
    settings: SettingsDep,
    rulebooks: RulebooksDep,
    t: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:
    if not hmac.compare_digest(t.encode(), receipt_signature(web_secret(settings), case_number).encode()):
        return error_page(404)
    async with request.app.state.sessions() as session:
        case = await public.case_by_number(session, case_number=case_number)
        if case is None:
            return error_page(404)
        status = await public.status_of(session, case=case, rulebook=await rulebooks.get(session))
    zone = settings.zone
    return render(
        "receipt.html",
        status={
            "case_number": status.case_number,
            "received_at": local_time(status.received_at, zone),
            "reply_due": local_time(status.reply_due, zone),
            "outcome_due": local_time(status.outcome_due, zone),
            "estimated": status.estimated,
        },
        contact=settings.notifications.contact_phone,
    )


@router.get("/status", response_class=HTMLResponse)
async def status_page(
    request: Request,
    settings: SettingsDep,
    intake: ChannelIntakeDep,
    rulebooks: RulebooksDep,
    case_number: Annotated[str, Query(max_length=32)] = "",
    phone: Annotated[str, Query(max_length=32)] = "",
) -> HTMLResponse:
    if not case_number.strip() or not phone.strip():
        return render("status.html", case_number=case_number)
    wait = await limiter_of(request).retry_after(
        f"web-status:{client_address(request.scope)}",
        limit=settings.channels.web_lookup_rate_limit,
        window_seconds=settings.channels.web_rate_window_seconds,
    )
    if wait is not None:
        return error_page(429, headers={"Retry-After": str(wait)})
    async with request.app.state.sessions() as session:
        found = await public.look_up(
            session,
            case_number=case_number,
            phone=phone,
            identity=intake.identity,
            rulebook=await rulebooks.get(session),
        )
    if found is None:
        return render("status.html", code=404, case_number=case_number, not_found=True)
    zone = settings.zone
    zh, en = found.words
    return render(
        "status.html",
        case_number=case_number,
        status={
            "case_number": found.case_number,
            "status_zh": zh,
            "status_en": en,
            "received_at": local_time(found.received_at, zone),
            "reply_due": local_time(found.reply_due, zone),
            "outcome_due": local_time(found.outcome_due, zone),
        },
    )
