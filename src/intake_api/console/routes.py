"""Every console page under /console, kept out of the OpenAPI document (they are not the API)."""

from fastapi import APIRouter

from intake_api.console import dashboard, login, work

console_pages = APIRouter(tags=["staff console"], include_in_schema=False)
console_pages.include_router(login.router)
console_pages.include_router(work.router)
console_pages.include_router(dashboard.router)
