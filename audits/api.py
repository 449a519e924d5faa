"""REST API for the poverty office's link (docs/interfaces.md §5): assistance status and reconciliation findings."""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from benefits.models import BenefitStatus, Programme
from households.api import FORBIDDEN, UNAUTHORISED
from households.ids import ID_NUMBER_SCHEMA, mask_id_number, validate_id_number
from households.models import Classification
from sunwu_relief.api import HasRole, ReplicaListMixin
from sunwu_relief.audit import record_event, record_list_access
from sunwu_relief.filters import StrictChoiceFilter
from sunwu_relief.parsers import SafeJSONParser
from sunwu_relief.roles import Role, can_see_full_id
from sunwu_relief.serializers import ModelSerializer, Serializer
from sunwu_relief.ui import client_ip

from .events import AuditsEvent
from .models import Finding, FindingKind, FindingStatus
from .selectors import MAX_BULK, assistance_status, finding_list

ALL_ROLES = frozenset(Role.values)

ERROR = inline_serializer("AssistanceError", {"detail": serializers.CharField()})
NOT_FOUND = OpenApiResponse(
    ERROR, description="Neither our registry nor the ledger knows this person (or not in the caller's scope)."
)


@extend_schema_field({"type": "string", "enum": BenefitStatus.values}, component_name="BenefitStatus")
class BenefitStatusField(serializers.CharField):
    """Inlined in the schema: several resources have a `status` of their own."""


@extend_schema_field({"type": "string", "enum": FindingStatus.values}, component_name="FindingStatus")
class FindingStatusField(serializers.CharField):
    """open or resolved (inlined in the schema, like the other statuses)."""


class ProgrammeStatusSerializer(Serializer):
    programme = serializers.ChoiceField(choices=Programme.values)
    status = BenefitStatusField()
    monthly_amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    start_month = serializers.CharField(help_text="YYYY-MM")


class AssistanceStatusSerializer(Serializer):
    id_number = serializers.CharField()
    name = serializers.CharField()
    household = serializers.IntegerField(
        allow_null=True, help_text="our household's id; null when only the ledger knows the person"
    )
    programmes = ProgrammeStatusSerializer(many=True)
    classification = serializers.ChoiceField(choices=Classification.values, allow_null=True)
    registered_poor = serializers.BooleanField()
    out_of_poverty = serializers.BooleanField()

    def to_representation(self, item: dict) -> dict:
        # Written out directly (a bulk answer is 1,000 of them); the fields above stay the schema,
        # which the API's schema test checks every answer against.
        return {
            "id_number": item["id_number"],
            "name": item["name"],
            "household": item["household"],
            "programmes": [
                {
                    "programme": programme["programme"],
                    "status": programme["status"],
                    "monthly_amount": f"{programme['monthly_amount']:.2f}",
                    "start_month": programme["start_month"],
                }
                for programme in item["programmes"]
            ],
            "classification": item["classification"],
            "registered_poor": item["registered_poor"],
            "out_of_poverty": item["out_of_poverty"],
        }


class BulkInSerializer(Serializer):
    # Items are checked one by one in the view, so that every invalid one is named in the same form.
    id_numbers = serializers.ListField(child=serializers.JSONField(allow_null=True), min_length=1, max_length=MAX_BULK)


@extend_schema_field(ID_NUMBER_SCHEMA, component_name="IdNumber")
class IdNumberSchemaField(serializers.CharField):
    """An ID number in a request, documented with its pattern."""


class BulkSchemaSerializer(Serializer):
    id_numbers = serializers.ListField(child=IdNumberSchemaField(), min_length=1, max_length=MAX_BULK)


class BulkOutSerializer(Serializer):
    results = AssistanceStatusSerializer(many=True)
    unknown = serializers.ListField(child=serializers.CharField(), help_text="valid ID numbers that neither side knows")


STATUS_EXAMPLE = {
    "id_number": "231124196912291478",
    "name": "金庆",
    "household": 17,
    "programmes": [{"programme": "dibao", "status": "active", "monthly_amount": "780.00", "start_month": "2026-03"}],
    "classification": "general",
    "registered_poor": True,
    "out_of_poverty": False,
}


def _log_shown(request: Request, found: list[dict]) -> None:
    """The answer ties full ID numbers to names and benefits, whatever the caller's role (the caller
    sent the numbers): one access-log row naming everyone shown."""
    record_list_access(
        user=request.user,
        objs=[item["shown"] for item in found],
        channel="api",
        full_id_numbers=True,
        ip_address=client_ip(request),
    )


@extend_schema(tags=["assistance status"])
class AssistanceStatusApi(APIView):
    """One person's assistance status, known from our registry or from the ledger."""

    permission_classes = [HasRole]
    allowed_roles = ALL_ROLES

    @extend_schema(
        operation_id="assistance_status_retrieve",
        summary="Assistance status of one person",
        description="Bulk look-ups go in the body of `POST assistance-status/`, which keeps ID numbers out of URLs.",
        parameters=[
            OpenApiParameter(
                "id_number", ID_NUMBER_SCHEMA, OpenApiParameter.PATH, description="18-character resident ID number"
            )
        ],
        responses={
            200: AssistanceStatusSerializer,
            400: OpenApiResponse(
                inline_serializer(
                    "InvalidIdNumber", {"id_number": serializers.ListField(child=serializers.CharField())}
                ),
                description="Not a valid ID number.",
                examples=[OpenApiExample("bad checksum", value={"id_number": ["身份证号校验码错误。"]})],
            ),
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
        examples=[OpenApiExample("covered", value=STATUS_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, id_number: str) -> Response:
        try:
            number = validate_id_number(id_number)
        except ValidationError as exc:
            raise serializers.ValidationError({"id_number": exc.messages}) from exc
        found = assistance_status(request.user, [number])
        if not found:
            raise Http404
        record_event(
            actor=request.user, action=AuditsEvent.ASSISTANCE_STATUS_QUERY, count=1, id_number=mask_id_number(number)
        )
        _log_shown(request, found)
        return Response(AssistanceStatusSerializer(found[0]).data)


@extend_schema(tags=["assistance status"])
class AssistanceStatusBulkApi(APIView):
    """Many people's assistance status at once (at most 1000 ID numbers)."""

    permission_classes = [HasRole]
    allowed_roles = ALL_ROLES
    parser_classes = [SafeJSONParser]  # the ID numbers travel in a JSON body, never in a form or a URL

    @extend_schema(
        operation_id="assistance_status_bulk",
        summary="Assistance status of many people",
        request=BulkSchemaSerializer,
        responses={
            200: BulkOutSerializer,
            400: OpenApiResponse(
                inline_serializer(
                    "InvalidIdNumbers",
                    {
                        "detail": serializers.CharField(required=False, help_text="a body that could not be read"),
                        "id_numbers": serializers.ListField(child=serializers.CharField(), required=False),
                    },
                ),
                description="Every invalid ID number, named, with the reason; nothing is looked up.",
                examples=[
                    OpenApiExample("one invalid", value={"id_numbers": ["231124196912291471: 身份证号校验码错误。"]})
                ],
            ),
            401: UNAUTHORISED,
            403: FORBIDDEN,
        },
        examples=[
            OpenApiExample(
                "request", value={"id_numbers": ["231124196912291478", "231124195005287526"]}, request_only=True
            ),
            OpenApiExample(
                "answer", value={"results": [STATUS_EXAMPLE], "unknown": ["231124195005287526"]}, response_only=True
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = BulkInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        numbers, invalid, seen = [], [], set()
        for value in serializer.validated_data["id_numbers"]:
            if not isinstance(value, str):
                invalid.append(f"{str(value)[:40]}: {_('An ID number must be text.')}")
                continue
            try:
                number = validate_id_number(value)
            except ValidationError as exc:
                invalid.append(f"{value[:40]}: {' '.join(exc.messages)}")
                continue
            if number not in seen:  # a set beside the list: 1,000 numbers are not compared pairwise
                seen.add(number)
                numbers.append(number)
        if invalid:
            raise serializers.ValidationError({"id_numbers": invalid})
        found = assistance_status(request.user, numbers)
        known = {item["id_number"] for item in found}
        record_event(actor=request.user, action=AuditsEvent.ASSISTANCE_STATUS_QUERY, count=len(numbers))
        _log_shown(request, found)
        return Response(
            {
                "results": AssistanceStatusSerializer(found, many=True).data,
                "unknown": [number for number in numbers if number not in known],
            }
        )


class FindingFilter(django_filters.FilterSet):
    finding = StrictChoiceFilter(field_name="kind", choices=FindingKind.choices, help_text="the kind of finding")
    township = django_filters.CharFilter(field_name="township__name", help_text="Township name, e.g. 孙吴镇")
    status = StrictChoiceFilter(choices=FindingStatus.choices)

    class Meta:
        model = Finding
        fields = ["finding", "township", "status"]


class FindingSerializer(ModelSerializer):
    finding = serializers.ChoiceField(source="kind", choices=FindingKind.choices)
    id_number = serializers.SerializerMethodField()
    household = serializers.IntegerField(
        source="household_id", allow_null=True, help_text="our household's id, when one is involved"
    )
    township = serializers.CharField(source="township.name", allow_null=True, default=None)
    status = FindingStatusField()
    resolution = serializers.CharField(
        help_text="check, include, stop, correct (by people) or cleared (no longer found); empty while open"
    )
    detail = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "id",
            "finding",
            "id_number",
            "name",
            "household",
            "ledger_household_number",
            "township",
            "detail",
            "status",
            "resolution",
        ]

    @extend_schema_field(serializers.CharField())
    def get_id_number(self, finding: Finding) -> str:
        request = self.context.get("request")
        if request is not None and can_see_full_id(request.user):
            return finding.id_number
        return finding.masked_id_number

    @extend_schema_field(
        inline_serializer(
            "FindingDetail", {"persons": serializers.ListField(child=serializers.DictField(), required=False)}
        )
    )
    def get_detail(self, finding: Finding) -> dict:
        """The records involved (ID numbers inside are masked)."""
        return finding.detail if isinstance(finding.detail, dict) else {}


@extend_schema(tags=["reconciliation"])
class FindingListApi(ReplicaListMixin, generics.ListAPIView):
    """Reconciliation findings (docs/interfaces.md §4), township roles only their township's."""

    serializer_class = FindingSerializer
    permission_classes = [HasRole]
    allowed_roles = ALL_ROLES
    filterset_class = FindingFilter

    def get_queryset(self) -> QuerySet[Finding]:
        return finding_list(self.request.user).order_by("kind", "township__code", "ledger_household_number", "id")

    def paginate_queryset(self, queryset: QuerySet[Finding]) -> list[Finding] | None:
        # The items carry full ID numbers for roles that see them: one access-log row per page.
        page = super().paginate_queryset(queryset)
        record_list_access(
            user=self.request.user,
            objs=page or [],
            channel="api",
            full_id_numbers=can_see_full_id(self.request.user),
            ip_address=client_ip(self.request),
        )
        return page

    @extend_schema(
        operation_id="reconciliation_findings_list",
        summary="Reconciliation findings",
        responses={
            200: FindingSerializer(many=True),
            400: OpenApiResponse(description="A bad filter or page size."),
            401: UNAUTHORISED,
            403: FORBIDDEN,
        },
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)
