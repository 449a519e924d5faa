"""REST API for households (docs/interfaces.md §5): thin views over the selectors."""

import datetime
from decimal import Decimal
from typing import NamedTuple

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers

from sunwu_relief.api import HasRole
from sunwu_relief.audit import ObjectRef, record_access, record_list_access
from sunwu_relief.db_router import replica_reads
from sunwu_relief.filters import StrictBooleanFilter, StrictChoiceFilter
from sunwu_relief.roles import Role, can_see_full_id, can_see_health_data
from sunwu_relief.serializers import ModelSerializer, Serializer
from sunwu_relief.ui import client_ip

from ..hooks import households_with_running_benefit
from ..ids import mask_id_number
from ..list_rows import HouseholdRow, household_rows
from ..models import Classification, Household, Member
from ..selectors import filter_by_ledger, household_detail, household_list, household_search_q


def _full_ids(context: dict) -> bool:
    """Whether the caller sees full ID numbers, read once per serializer context."""
    full = context.get("_full_ids")
    if full is None:
        request = context.get("request")
        full = context["_full_ids"] = request is not None and can_see_full_id(request.user)
    return full


def _shown_id_number(context: dict, value: str) -> str:
    """The full number for roles that need it, masked (231124********0018) for the others."""
    return value if _full_ids(context) else mask_id_number(value)


class IdNumberField(serializers.CharField):
    """An ID number shown in full or masked according to the caller's role."""

    def to_representation(self, value: str) -> str:
        return _shown_id_number(self.context, value)


class BenefitSerializer(Serializer):
    programme = serializers.CharField()
    status = serializers.CharField()
    monthly_amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    start_month = serializers.CharField()


def _benefit_items(benefits: list) -> list[dict]:
    """The items of a household's benefits, from rows with `programme`, `status`, `monthly_amount`
    (this month's) and `start_month` (`hooks.benefit_states_of`'s)."""
    return [
        {
            "programme": benefit.programme,
            "status": benefit.status,
            "monthly_amount": f"{benefit.monthly_amount:.2f}",
            "start_month": f"{benefit.start_month:%Y-%m}",
        }
        for benefit in benefits
    ]


def household_item(row: HouseholdRow, *, full_ids: bool) -> dict:
    """One household of the list and of the detail (`HouseholdSerializer`'s fields), from its plain row."""
    return {
        "id": row.pk,
        "number": row.number,
        "township": row.township,
        "village": row.village,
        "head_name": row.head_name,
        "head_id_number": (row.head_id_number if full_ids else mask_id_number(row.head_id_number))
        if row.head_id_number
        else None,
        "size": row.size,
        "classification": row.classification or None,
        "registered_poor": bool(row.registered_poor),
        "out_of_poverty": bool(row.out_of_poverty),
        "benefits": _benefit_items(row.benefits),
    }


class HouseholdSerializer(ModelSerializer):
    township = serializers.CharField(source="township.name")
    village = serializers.CharField(source="village.name")
    head_name = serializers.SerializerMethodField()
    head_id_number = serializers.SerializerMethodField()
    size = serializers.SerializerMethodField()
    classification = serializers.CharField(allow_null=True)
    registered_poor = serializers.BooleanField()
    out_of_poverty = serializers.BooleanField()
    benefits = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = [
            "id",
            "number",
            "township",
            "village",
            "head_name",
            "head_id_number",
            "size",
            "classification",
            "registered_poor",
            "out_of_poverty",
            "benefits",
        ]

    def _head(self, household: Household) -> Member | None:
        heads = getattr(household, "heads", None)
        return heads[0] if heads else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_head_name(self, household: Household) -> str | None:
        head = self._head(household)
        return head.name if head else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_head_id_number(self, household: Household) -> str | None:
        head = self._head(household)
        return _shown_id_number(self.context, head.id_number) if head else None

    @extend_schema_field(serializers.IntegerField())
    def get_size(self, household: Household) -> int:
        size = getattr(household, "size", None)
        return size if size is not None else len(household.members.all())

    @extend_schema_field(BenefitSerializer(many=True))
    def get_benefits(self, household: Household) -> list[dict]:
        return _benefit_items(_benefit_views(household))

    def to_representation(self, household: Household) -> dict:
        # The item written out directly (DRF's per-field machinery was a third of a list page's
        # time), the list's and the detail's alike; the declared fields above stay its schema,
        # and the API's schema test checks every answer against it.
        head = self._head(household)
        row = HouseholdRow(
            household.pk,
            household.number,
            household.township.name,
            household.village.name,
            household.classification,
            household.registered_poor,
            household.out_of_poverty,
            self.get_size(household),
            head.name if head else None,
            head.id_number if head else None,
            _benefit_views(household),
        )
        return household_item(row, full_ids=_full_ids(self.context))


class _BenefitView(NamedTuple):
    programme: str
    status: str
    monthly_amount: Decimal
    start_month: datetime.date


def _benefit_views(household: Household) -> list[_BenefitView]:
    """A household model row's benefits as the list's rows (this month's decision, read once each).
    Benefit rows belong to the higher `benefits` app: read through the relation."""
    return [
        _BenefitView(benefit.programme, *benefit.current_state, benefit.start_month)
        for benefit in household.benefits.all()
    ]


class MemberSerializer(ModelSerializer):
    id_number = IdNumberField()
    birth_date = serializers.SerializerMethodField()
    disability = serializers.SerializerMethodField()
    serious_illness = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = [
            "name",
            "id_number",
            "relationship",
            "sex",
            "birth_date",
            "labour_capacity",
            "disability",
            "serious_illness",
        ]

    def _health_visible(self) -> bool:
        request = self.context.get("request")
        return request is not None and can_see_health_data(request.user)

    @extend_schema_field(
        serializers.DateField(
            allow_null=True,
            help_text="Null when `id_number` is masked: the birth date is exactly the 8 digits the mask hides.",
        )
    )
    def get_birth_date(self, member: Member) -> str | None:
        request = self.context.get("request")
        if request is None or not can_see_full_id(request.user):
            return None
        return member.birth_date.isoformat()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_disability(self, member: Member) -> str | None:
        """`kind:grade` (e.g. `limb:2`), empty when none; null when the caller may not see health data."""
        if not self._health_visible():
            return None
        return f"{member.disability_kind}:{member.disability_grade}" if member.disability_kind else ""

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_serious_illness(self, member: Member) -> bool | None:
        return member.serious_illness if self._health_visible() else None


class HouseholdDetailSerializer(HouseholdSerializer):
    members = MemberSerializer(many=True, read_only=True)

    class Meta(HouseholdSerializer.Meta):
        fields = [*HouseholdSerializer.Meta.fields, "members"]

    def to_representation(self, household: Household) -> dict:
        data = super().to_representation(household)
        data["members"] = self.fields["members"].to_representation(household.members.all())
        return data


class HouseholdFilter(django_filters.FilterSet):
    township = django_filters.CharFilter(field_name="township__name", help_text="Township name, e.g. 孙吴镇")
    village = django_filters.CharFilter(field_name="village__name", help_text="Village name")
    classification = StrictChoiceFilter(choices=Classification.choices)
    registered_poor = StrictBooleanFilter(method="filter_registered_poor")
    programme = StrictChoiceFilter(
        method="filter_programme",
        choices=[("dibao", "dibao"), ("tekun", "tekun"), ("medical", "medical"), ("temporary", "temporary")],
        help_text="Households with a running (active, phasing out or suspended) benefit of this programme",
    )
    search = django_filters.CharFilter(method="filter_search", help_text="Name, ID number or pinyin initials")

    class Meta:
        model = Household
        fields = ["township", "village", "programme", "classification", "registered_poor", "search"]

    def filter_programme(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # What counts as running is the benefits app's to say (households.hooks).
        return queryset.filter(pk__in=households_with_running_benefit(value))

    # `value: bool` (not Optional): drf-spectacular reads the hint, and the schema says boolean.
    def filter_registered_poor(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return filter_by_ledger(queryset, registered_poor=value)

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value.strip():
            return queryset
        return queryset.filter(household_search_q(value, full_ids=can_see_full_id(getattr(self.request, "user", None))))


ALL_ROLES = frozenset(Role.values)


@extend_schema(tags=["households"])
class HouseholdListApi(generics.ListAPIView):
    """Households the caller may see (township roles: their township only)."""

    serializer_class = HouseholdSerializer
    permission_classes = [HasRole]
    allowed_roles = ALL_ROLES
    filterset_class = HouseholdFilter

    def get_queryset(self) -> QuerySet[Household]:
        return household_list(self.request.user).order_by("township__code", "number")

    @replica_reads()  # a read-only list: the read replica's, when there is one
    def list(self, request, *args, **kwargs):
        # The page's items straight from plain rows (no model row, no serializer per item).
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        full_ids = can_see_full_id(request.user)
        return self.get_paginated_response([household_item(row, full_ids=full_ids) for row in rows])

    def paginate_queryset(self, queryset: QuerySet[Household]) -> "list[HouseholdRow]":
        # The page in two steps: its keys first (ordered, counted, sliced without the per-row
        # annotations, which PostgreSQL would otherwise compute for every row an OFFSET skips),
        # then its households as plain rows with everything the items show.
        keys = super().paginate_queryset(queryset.values_list("pk", flat=True))
        page = household_rows(queryset, list(keys))
        # The items carry the heads' full ID numbers for roles that see them: log who saw which.
        user = self.request.user
        record_list_access(
            user=user,
            objs=[ObjectRef.of(Household, row.pk) for row in page],
            channel="api",
            full_id_numbers=can_see_full_id(user),
            ip_address=client_ip(self.request),
        )
        return page


@extend_schema(tags=["households"])
class HouseholdDetailApi(generics.RetrieveAPIView):
    """One household with its members; 404 outside the caller's scope."""

    serializer_class = HouseholdDetailSerializer
    permission_classes = [HasRole]
    allowed_roles = ALL_ROLES

    def get_object(self) -> Household:
        try:
            household = household_detail(self.request.user, pk=int(self.kwargs["pk"]))
        except (Household.DoesNotExist, ValueError) as exc:
            raise Http404 from exc
        user = self.request.user
        record_access(
            user=user,
            obj=household,
            channel="api",
            full_id_numbers=can_see_full_id(user),
            health_data=can_see_health_data(user),
            ip_address=client_ip(self.request),
        )
        return household
