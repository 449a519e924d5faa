"""REST API for ledger imports (docs/interfaces.md §5, §6): submit a ledger, follow its job."""

from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sunwu_relief.api import HasRole
from sunwu_relief.models import Job
from sunwu_relief.parsers import SafeJSONParser
from sunwu_relief.roles import Role
from sunwu_relief.serializers import Serializer

from ..selectors import ledger_import_jobs
from ..services import MAX_FILE_BYTES, MAX_JSON_ROWS, ledger_import_submit

READ_ROLES = frozenset({Role.POVERTY_OFFICE, Role.BUREAU_REVIEWER, Role.AUDITOR})
# The ledger is the poverty office's: only its own users write it (never our staff).
WRITE_ROLES = frozenset({Role.POVERTY_OFFICE})


class StrictBooleanField(serializers.BooleanField):
    """true or false only (JSON booleans, or the words in a multipart form): `0`, `1`, `yes` and
    the like are a 400, as the schema says, rather than read as a guess."""

    def to_internal_value(self, data: object) -> bool:
        if isinstance(data, bool):
            return data
        if isinstance(data, str) and data.strip().lower() in ("true", "false"):
            return data.strip().lower() == "true"
        self.fail("invalid", input=data)


class StrictCharField(serializers.CharField):
    """JSON text only: a number or an object where text belongs is a 400, not read as text."""

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only (not `"3"`, `3.5` or `true`)."""

    def to_internal_value(self, data: object) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class LedgerRowSerializer(Serializer):
    """One person of the ledger, keyed like docs/interfaces.md §6. The request checks each row's shape
    (the required keys, text as text, integers as integers): a 400 naming the row and key. The
    values (ID checksum, township, relationship …) are checked by the import job, each error
    reported with its row and column."""

    text_checked_by = (
        "households.services.ledger_rows (the import job reports each refused character with its row and key)"
    )

    household_number = StrictCharField(allow_blank=True, help_text="户编号, the poverty office's household number")
    name = StrictCharField(allow_blank=True, help_text="姓名")
    id_number = StrictCharField(
        allow_blank=True, help_text="身份证号: 18 characters, GB 11643 checksum, final X allowed; text, never a number"
    )
    relationship = StrictCharField(
        allow_blank=True,
        help_text="与户主关系: 户主, 配偶, 之子, 之女, 之儿媳, 之女婿, 之孙子, 之孙女, 之父, 之母, 之兄弟姐妹, 其他",
    )
    township = StrictCharField(allow_blank=True, help_text="乡镇: a township of the county")
    village = StrictCharField(allow_blank=True, help_text="行政村: a village of that township (a new one is added)")
    household_size = StrictIntegerField(required=False, allow_null=True, min_value=1, help_text="家庭人口数")
    poverty_attribute = StrictCharField(
        allow_blank=True, help_text="贫困户属性: 一般贫困户, 低保贫困户, 特困供养贫困户 (五保贫困户 accepted)"
    )
    poverty_status = StrictCharField(allow_blank=True, help_text="脱贫状态: 未脱贫, 已脱贫")
    exit_year = StrictIntegerField(required=False, allow_null=True, help_text="脱贫年度, required when 已脱贫")
    poverty_cause = StrictCharField(required=False, allow_null=True, allow_blank=True, help_text="主要致贫原因")
    labour_capacity = StrictCharField(required=False, allow_null=True, allow_blank=True, help_text="劳动能力")
    health = StrictCharField(required=False, allow_null=True, allow_blank=True, help_text="健康状况")


class LedgerRowsInSerializer(Serializer):
    rows = serializers.ListField(
        child=serializers.DictField(), min_length=1, max_length=MAX_JSON_ROWS, help_text="the ledger's rows"
    )
    replace = StrictBooleanField(default=False, help_text="mark registrations absent from these rows removed")

    def validate_rows(self, rows: list[dict]) -> list[dict]:
        # The shape of each row here (a 400 per row and key); the values in the job.
        shape = LedgerRowSerializer(data=rows, many=True)
        if not shape.is_valid():
            raise serializers.ValidationError(shape.errors)
        return rows


class LedgerRowsSchemaSerializer(Serializer):
    # A ListField, not `many=True`: drf-spectacular documents its bounds (minItems, maxItems).
    rows = serializers.ListField(child=LedgerRowSerializer(), min_length=1, max_length=MAX_JSON_ROWS)
    replace = StrictBooleanField(default=False)


class LedgerFileInSerializer(Serializer):
    # An empty file is the job's to report (not an xlsx file), like any other bad file.
    file = serializers.FileField(allow_empty_file=True, help_text="the ledger as .xlsx (docs/interfaces.md §6)")
    replace = StrictBooleanField(default=False, help_text="mark registrations absent from the file removed")

    def validate_file(self, value):
        if value.size > MAX_FILE_BYTES:
            raise serializers.ValidationError(
                _("The file is larger than %(mb)d MB; split the ledger.") % {"mb": MAX_FILE_BYTES // 1024 // 1024}
            )
        return value


@extend_schema_field(
    {"type": "string", "enum": Job.Status.values, "description": "pending, running, succeeded or failed"}
)
class JobStatusField(serializers.CharField):
    """A job's status, inlined in the schema (several resources have a `status` of their own)."""


class LedgerImportAcceptedSerializer(Serializer):
    id = serializers.IntegerField()
    status = JobStatusField()
    url = serializers.CharField(help_text="where to follow the job")


class RowErrorSerializer(Serializer):
    row = serializers.IntegerField(
        allow_null=True,
        help_text="the row (Excel's number, or the position in `rows` from 1); null for the file as a whole",
    )
    column = serializers.CharField(
        allow_null=True, help_text="the header (xlsx) or key (JSON); null for the file or row as a whole"
    )
    message = serializers.CharField()


class LedgerImportSerializer(Serializer):
    id = serializers.IntegerField()
    status = JobStatusField()
    rows_total = serializers.IntegerField()
    rows_done = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    removed = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)

    def to_representation(self, job: Job) -> dict:
        counts = job.counts or {}
        return {
            "id": job.pk,
            "status": job.status,
            "rows_total": job.rows_total,
            "rows_done": job.rows_done,
            "created": counts.get("created", 0),
            "updated": counts.get("updated", 0),
            "unchanged": counts.get("unchanged", 0),
            "removed": counts.get("removed", 0),
            "errors": [
                {"row": e.get("row"), "column": e.get("column"), "message": str(e.get("message", ""))}
                for e in (job.errors or [])
                if isinstance(e, dict)
            ],
        }


ERROR_RESPONSE = inline_serializer("ErrorResponse", {"detail": serializers.CharField()})
VALIDATION_RESPONSE = OpenApiResponse(
    response=inline_serializer(
        "LedgerImportErrors",
        {
            "detail": serializers.CharField(required=False, help_text="a body that could not be read"),
            "file": serializers.ListField(child=serializers.CharField(), required=False),
            "rows": serializers.JSONField(
                required=False, help_text="what is wrong with `rows` (per position for items)"
            ),
            "replace": serializers.ListField(child=serializers.CharField(), required=False),
        },
    ),
    description="Bad input: each field with its errors. Row values are checked by the job, not here.",
    examples=[OpenApiExample("rows missing", value={"rows": ["This field is required."]})],
)
UNAUTHORISED = OpenApiResponse(ERROR_RESPONSE, description="No valid token.")
FORBIDDEN = OpenApiResponse(ERROR_RESPONSE, description="The caller's role may not do this.")
NOT_FOUND = OpenApiResponse(ERROR_RESPONSE, description="No such import (or not visible to the caller).")

ROW_EXAMPLE = {
    "household_number": "23112400000004",
    "name": "金庆",
    "id_number": "231124196912291478",
    "relationship": "户主",
    "township": "孙吴镇",
    "village": "三屯村",
    "household_size": 3,
    "poverty_attribute": "低保贫困户",
    "poverty_status": "未脱贫",
    "exit_year": None,
    "poverty_cause": "自身发展动力不足",
    "labour_capacity": "普通劳动力",
    "health": "长期慢性病",
}


@extend_schema(tags=["ledger"])
class LedgerImportCreateApi(APIView):
    """Submit the registered-poor ledger: an xlsx file (multipart `file`) or JSON rows."""

    permission_classes = [HasRole]
    allowed_roles = WRITE_ROLES
    parser_classes = [SafeJSONParser, parsers.MultiPartParser]

    @extend_schema(
        operation_id="ledger_imports_create",
        summary="Import the registered-poor ledger (建档立卡)",
        description=(
            "Queues an import job and answers 202 at once; follow it at `url`. All or nothing: one "
            "invalid row (bad ID number, missing field, unknown value, the same ID twice) fails the "
            "job, writes nothing and lists every error with its row and column. Rows are upserted by "
            "ID number; with `replace` the registrations absent from the ledger are marked removed. "
            "Only the poverty office may import."
        ),
        request={"application/json": LedgerRowsSchemaSerializer, "multipart/form-data": LedgerFileInSerializer},
        responses={
            202: LedgerImportAcceptedSerializer,
            400: VALIDATION_RESPONSE,
            401: UNAUTHORISED,
            403: FORBIDDEN,
        },
        examples=[
            OpenApiExample("JSON rows", value={"rows": [ROW_EXAMPLE], "replace": False}, request_only=True),
            OpenApiExample(
                "Accepted",
                value={"id": 42, "status": "pending", "url": "/api/v1/ledger-imports/42/"},
                response_only=True,
                status_codes=["202"],
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        try:
            data = request.data
        except SuspiciousOperation as exc:  # too many form fields, a body beyond the limits
            raise exceptions.ParseError(str(exc)) from exc
        if request.content_type.startswith("multipart/"):
            serializer = LedgerFileInSerializer(data=data)
            serializer.is_valid(raise_exception=True)
            job = ledger_import_submit(
                actor=request.user, file=serializer.validated_data["file"], replace=serializer.validated_data["replace"]
            )
        else:
            serializer = LedgerRowsInSerializer(data=data)
            serializer.is_valid(raise_exception=True)
            job = ledger_import_submit(
                actor=request.user, rows=serializer.validated_data["rows"], replace=serializer.validated_data["replace"]
            )
        job.refresh_from_db(fields=["status"])
        url = reverse("api:ledger-import-detail", args=[job.pk])
        return Response({"id": job.pk, "status": job.status, "url": url}, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["ledger"])
class LedgerImportDetailApi(APIView):
    """One ledger import: its status, progress, counts and errors."""

    permission_classes = [HasRole]
    allowed_roles = READ_ROLES

    @extend_schema(
        operation_id="ledger_imports_retrieve",
        summary="Follow a ledger import",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="the import's id")],
        responses={200: LedgerImportSerializer, 401: UNAUTHORISED, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "Failed",
                value={
                    "id": 42,
                    "status": "failed",
                    "rows_total": 3,
                    "rows_done": 3,
                    "created": 0,
                    "updated": 0,
                    "unchanged": 0,
                    "removed": 0,
                    "errors": [{"row": 5, "column": "身份证号", "message": "身份证号校验码错误。"}],
                },
                response_only=True,
            ),
            OpenApiExample(
                "Succeeded",
                value={
                    "id": 43,
                    "status": "succeeded",
                    "rows_total": 36,
                    "rows_done": 36,
                    "created": 30,
                    "updated": 4,
                    "unchanged": 2,
                    "removed": 1,
                    "errors": [],
                },
                response_only=True,
            ),
        ],
    )
    def get(self, request: Request, pk: str) -> Response:
        # The route takes any text so that a malformed id is this API's JSON 404, not an HTML page.
        try:
            job = ledger_import_jobs().get(pk=int(pk))
        except (Job.DoesNotExist, ValueError, OverflowError) as exc:
            raise Http404 from exc
        return Response(LedgerImportSerializer(job).data)
