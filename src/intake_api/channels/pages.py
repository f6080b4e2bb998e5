"""Server-rendered pages (Jinja2, autoescaped) and the polite error pages of the web form."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

ENVIRONMENT = Environment(
    loader=PackageLoader("intake_api", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

ERRORS: dict[int, tuple[str, str, str, str]] = {
    400: (
        "无法读取您提交的内容",
        "We could not read what was sent",
        "提交的表单不完整或已损坏，请返回重新填写。",
        "The form arrived incomplete or damaged. Please go back and fill it in again.",
    ),
    403: (
        "页面已过期",
        "This page has expired",
        "为保护您的安全，请返回投诉页面重新提交（页面打开时间过长或浏览器禁用了 Cookie）。",
        "To protect you, please go back to the form and submit it again "
        "(it was open too long, or cookies are disabled).",
    ),
    404: (
        "未找到该页面",
        "Page not found",
        "您访问的受理凭证不存在或链接不完整。",
        "This receipt does not exist or the link is incomplete.",
    ),
    413: (
        "提交的内容过大",
        "What you sent is too large",
        "附件总大小超出限制，请压缩或减少附件后重新提交。",
        "The attachments are too large in total. Please send smaller or fewer files.",
    ),
    429: (
        "提交过于频繁",
        "Too many attempts",
        "您的操作过于频繁，请稍后再试。如情况紧急，请拨打客服热线。",
        "Too many attempts from your connection. Please try again later, or call our hotline if urgent.",
    ),
    503: (
        "系统繁忙",
        "We are busy",
        "系统暂时无法处理您的请求，您填写的内容未被保存，请稍后重试。",
        "We could not take your complaint just now and nothing was saved. Please try again shortly.",
    ),
}


def render(
    template: str, *, code: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> HTMLResponse:
    """`code` is the HTTP status; everything else goes to the template."""
    html = ENVIRONMENT.get_template(template).render(**context)
    return HTMLResponse(html, status_code=code, headers=headers)


def error_page(status: int, *, headers: dict[str, str] | None = None) -> HTMLResponse:
    title_zh, title_en, message_zh, message_en = ERRORS[status]
    return render(
        "error.html",
        code=status,
        headers=headers,
        title_zh=title_zh,
        title_en=title_en,
        message_zh=message_zh,
        message_en=message_en,
    )


def too_large_page(max_bytes: int) -> bytes:
    """For the body-limit middleware, which answers before any route runs."""
    return bytes(error_page(413).body)


def local_time(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return None if moment is None else f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"
