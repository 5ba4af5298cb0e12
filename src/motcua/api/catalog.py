"""The public procedure catalog."""

from datetime import date
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from motcua.catalog import services
from motcua.catalog.models import Procedure, ProcedureVersion

from .schemas import Error

router = Router(tags=["Thủ tục hành chính"])


class TimeLimit(Schema):
    value: float
    unit: str
    label: str


class ProcedureSummary(Schema):
    code: str
    name: str
    field_code: str
    field_name: str
    levels: list[str]
    online_level: str
    time_limit: TimeLimit
    publication_status: str

    @staticmethod
    def resolve_code(v: ProcedureVersion) -> str:
        return v.procedure.code

    @staticmethod
    def resolve_field_code(v: ProcedureVersion) -> str:
        return v.field.code

    @staticmethod
    def resolve_field_name(v: ProcedureVersion) -> str:
        return v.field.name

    @staticmethod
    def resolve_time_limit(v: ProcedureVersion) -> dict:
        return {
            "value": v.time_limit_value,
            "unit": v.time_limit_unit,
            "label": v.time_limit_display(),
        }

    @staticmethod
    def resolve_publication_status(v: ProcedureVersion) -> str:
        return v.procedure.publication_status


class DocumentOut(Schema):
    order: int
    name: str
    originals: int
    copies: int
    optional: bool
    reusable: bool
    note: str


class FeeOut(Schema):
    kind: str
    name: str
    amount: Decimal
    note: str


class StepOut(Schema):
    order: int
    name: str
    role: str
    unit: str
    hours: Decimal

    @staticmethod
    def resolve_unit(step) -> str:
        return step.unit_ref


class Decision(Schema):
    number: str
    date: date
    published_on: date | None


class ProcedureDetail(ProcedureSummary):
    version: int
    change_type: str
    description: str
    procedure_steps: str
    methods: str
    conditions: str
    subject_types: list[str]
    full_online_eligible: bool
    requires_written_result: bool
    has_fees: bool
    result_name: str
    legal_basis: str
    legal_basis_effective_date: date | None
    implementing_units: list[str]
    decision: Decision | None
    documents: list[DocumentOut]
    fees: list[FeeOut]
    steps: list[StepOut]

    @staticmethod
    def resolve_version(v: ProcedureVersion) -> int:
        return v.number

    @staticmethod
    def resolve_implementing_units(v: ProcedureVersion) -> list[str]:
        return [u.code for u in v.implementing_units.all()]

    @staticmethod
    def resolve_documents(v: ProcedureVersion):
        return list(v.documents.all())

    @staticmethod
    def resolve_fees(v: ProcedureVersion):
        return list(v.fees.all())

    @staticmethod
    def resolve_steps(v: ProcedureVersion):
        return list(v.steps.all())


class Pages(LimitOffsetPagination):
    """Bounded limit and offset: a huge number is a 422, not a database overflow (500)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500)
        offset: int = Field(0, ge=0, le=100_000)


class ProcedureFilter(Schema):
    q: str = ""
    field: str | None = None
    unit: str | None = None


@router.get(
    "", response={200: list[ProcedureSummary], 422: Error}, summary="Tìm thủ tục hành chính"
)
@paginate(Pages)
def list_procedures(request, filters: Query[ProcedureFilter]):
    """Published procedures, searched without regard to diacritics ("dang ky khai sinh")."""
    return services.search(filters.q, field=filters.field, unit=filters.unit)


@router.get(
    "/{code}",
    response={200: ProcedureDetail, 404: Error},
    summary="Chi tiết thủ tục (phiên bản đang công khai)",
)
def get_procedure(request, code: str):
    if "\x00" in code:  # PostgreSQL text cannot hold NUL: no such code
        raise Http404
    procedure = get_object_or_404(
        Procedure.objects.select_related("current_version__field", "current_version__decision"),
        code=code,
    )
    if procedure.current_version is None:
        return 404, {"code": "not_found", "message": f"Thủ tục {code} chưa được công bố."}
    return procedure.current_version
