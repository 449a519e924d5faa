"""REST API: the monthly statistics report (docs/interfaces.md §12) as JSON."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sunwu_relief.api import HasRole
from sunwu_relief.db_router import replica_reads
from sunwu_relief.errors import InvalidInput
from sunwu_relief.roles import COUNTY_ROLES, TOWNSHIP_ROLES
from sunwu_relief.serializers import Serializer

from .selectors import monthly_report_for, parse_month


class StatisticsRowSerializer(Serializer):
    township = serializers.CharField(help_text="empty for the county total")
    dibao_households = serializers.IntegerField()
    dibao_persons = serializers.IntegerField()
    dibao_key = serializers.IntegerField()
    dibao_long_term = serializers.IntegerField()
    dibao_general = serializers.IntegerField()
    dibao_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    tekun_persons = serializers.IntegerField()
    tekun_centralised = serializers.IntegerField()
    tekun_dispersed = serializers.IntegerField()
    tekun_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    temporary_count = serializers.IntegerField()
    temporary_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    medical_count = serializers.IntegerField()
    medical_amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class MonthlyStatisticsSerializer(Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    townships = StatisticsRowSerializer(many=True)
    total = StatisticsRowSerializer()


@extend_schema(tags=["statistics"])
class MonthlyStatisticsApi(APIView):
    """The month's figures per township and in total, from the decisions in force that month.
    County staff see every township, township staff their own."""

    permission_classes = [HasRole]
    allowed_roles = frozenset(COUNTY_ROLES | TOWNSHIP_ROLES)

    @extend_schema(
        operation_id="statistics_monthly",
        summary="Monthly statistics report",
        parameters=[
            OpenApiParameter(
                "month",
                OpenApiTypes.STR,
                required=True,
                description="YYYY-MM",
                pattern=r"^[12][0-9]{3}-(0[1-9]|1[0-2])$",
            )
        ],
        responses={200: MonthlyStatisticsSerializer},
    )
    @replica_reads()
    def get(self, request: Request) -> Response:
        month = parse_month(request.query_params.get("month", ""))
        if month is None:
            raise InvalidInput(
                field_errors={"month": [_("Give the month as YYYY-MM.")]}, code="statistics.invalid_month"
            )
        report = monthly_report_for(request.user, month=month)
        data = {"month": f"{month:%Y-%m}", "townships": report.rows, "total": report.total}
        return Response(MonthlyStatisticsSerializer(data).data)
