"""REST API for the medical insurance office's link: who is 低保/特困 on which dates."""

import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sunwu_relief.api import HasRole
from sunwu_relief.audit import record_event, record_list_access
from sunwu_relief.pagination import Pagination
from sunwu_relief.roles import Role
from sunwu_relief.serializers import Serializer
from sunwu_relief.ui import client_ip

from .selectors import coverage_periods


class CoveragePeriodSerializer(Serializer):
    id_number = serializers.CharField(source="member.id_number")
    name = serializers.CharField(source="member.name")
    household = serializers.IntegerField(source="member.household_id")
    programme = serializers.ChoiceField(choices=["dibao", "tekun"])
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True, help_text="null: still covered")


@extend_schema(tags=["medical assistance"])
class MedicalCoverageApi(APIView):
    """Periods in which each person is covered by 低保 or 特困 (a month is covered from its first to
    its last day), for the medical insurance office's one-stop settlement. County bureau only."""

    permission_classes = [HasRole]
    allowed_roles = frozenset({Role.BUREAU_REVIEWER})

    @extend_schema(
        operation_id="medical_coverage_list",
        summary="Who is 低保/特困 on which dates",
        parameters=[
            OpenApiParameter(
                "since", OpenApiTypes.DATE, description="leave out periods that ended before this day (YYYY-MM-DD)"
            ),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1 to 500"),
        ],
        responses={200: CoveragePeriodSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        since = None
        raw = request.query_params.get("since")
        if raw:
            try:
                since = datetime.date.fromisoformat(raw)
            except ValueError as exc:
                raise serializers.ValidationError({"since": ["YYYY-MM-DD"]}) from exc
        paginator = Pagination()
        page = paginator.paginate_queryset(coverage_periods(since=since), request, view=self)
        record_event(actor=request.user, action="api.medical_coverage", count=len(page))
        record_list_access(
            user=request.user,
            objs=[period.member for period in page],
            channel="api",
            full_id_numbers=True,
            ip_address=client_ip(request),
        )
        return paginator.get_paginated_response(CoveragePeriodSerializer(page, many=True).data)
