"""`/v1/reports/regulator/{period}`: the statistics coded with JR/T 0169-2018, as CSV or XLSX."""

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from complaints.domain.regulator_codes import current_mapping
from complaints.reports import regulator_files
from complaints.reports.regulator_export import regulator_statistics
from complaints.schemas.keys import Permission
from complaints.security.api_keys import Principal
from intake_api.dependencies import ERROR_RESPONSES, NowDep, SessionDep, SettingsDep, require

router = APIRouter(prefix="/v1/reports/regulator", tags=["reports"], responses=ERROR_RESPONSES)

MAPPING_VERSION_HEADER = "X-Mapping-Version"


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


MEDIA_TYPES = {
    ExportFormat.CSV: regulator_files.CSV_MEDIA_TYPE,
    ExportFormat.XLSX: regulator_files.XLSX_MEDIA_TYPE,
}
WRITERS = {ExportFormat.CSV: regulator_files.to_csv, ExportFormat.XLSX: regulator_files.to_xlsx}

EXPORTED = {
    200: {
        "description": "The statistics file, named by the Content-Disposition header.",
        "content": {
            regulator_files.CSV_MEDIA_TYPE: {"schema": {"type": "string"}},
            regulator_files.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
        "headers": {
            "Content-Disposition": {
                "description": 'attachment; filename="jrt0169-<period>[-<unit>].<format>"',
                "schema": {"type": "string"},
            },
            MAPPING_VERSION_HEADER: {
                "description": "The version of the mapping from our categories to the codes",
                "schema": {"type": "string", "example": "jrt0169-2018/1"},
            },
        },
    }
}


@router.get(
    "/{period}",
    operation_id="exportRegulatorStatistics",
    summary="Complaint statistics for a month, quarter, half year or year, coded with JR/T 0169-2018",
    description=(
        "Counts of the complaints received in the period (organisation timezone) per channel of "
        "business (A), business type (B) and cause (C), with totals per code: codes and counts "
        "only, no personal data. A unit-bound key counts its unit's cases only. The XLSX adds a "
        "notes sheet: mapping version, snapshot time, due date, cases coded A by default."
    ),
    response_class=Response,
    responses=EXPORTED,  # type: ignore[arg-type]
)
async def export_regulator_statistics(
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    principal: Annotated[Principal, Depends(require(Permission.REPORTS))],
    period: Annotated[
        str,
        Path(
            max_length=16,
            description="`2026-10` (month), `2026-Q3`, `2026-H1` or `2026`",
            examples=["2026-Q3"],
        ),
    ],
    file_format: Annotated[ExportFormat, Query(alias="format")] = ExportFormat.CSV,
) -> Response:
    mapping = current_mapping()
    statistics = await regulator_statistics(
        session,
        label=period,
        principal=principal,
        mapping=mapping,
        timezone=settings.zone,
        now=now,
    )
    name = "-".join(part for part in ("jrt0169", period, principal.unit_code) if part)
    return Response(
        WRITERS[file_format](statistics),
        media_type=MEDIA_TYPES[file_format],
        headers={
            "Content-Disposition": f'attachment; filename="{name}.{file_format}"',
            MAPPING_VERSION_HEADER: mapping.version,
        },
    )
