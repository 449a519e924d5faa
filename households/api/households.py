"""REST API for households (docs/interfaces.md §5): thin views over the selectors."""

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers

from sunwu_relief.api import HasRole, ReplicaListMixin
from sunwu_relief.audit import record_access, record_list_access
from sunwu_relief.filters import StrictBooleanFilter, StrictChoiceFilter
from sunwu_relief.roles import Role, can_see_full_id, can_see_health_data
from sunwu_relief.serializers import ModelSerializer, Serializer
from sunwu_relief.ui import client_ip

from ..hooks import households_with_running_benefit
from ..ids import mask_id_number
from ..models import Classification, Household, Member
from ..selectors import filter_by_ledger, household_detail, household_list, household_search_q, with_benefits


def _shown_id_number(context: dict, value: str) -> str:
    """The full number for roles that need it, masked (231124********0018) for the others; the
    caller's right is read once per serializer context (a list shows a hundred numbers)."""
    full = context.get("_full_ids")
    if full is None:
        request = context.get("request")
        full = context["_full_ids"] = request is not None and can_see_full_id(request.user)
    return value if full else mask_id_number(value)


class IdNumberField(serializers.CharField):
    """An ID number shown in full or masked according to the caller's role."""

    def to_representation(self, value: str) -> str:
        return _shown_id_number(self.context, value)


class BenefitSerializer(Serializer):
    programme = serializers.CharField()
    status = serializers.CharField()
    monthly_amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    start_month = serializers.CharField()


def _benefits(household: Household) -> list:
    """The household's benefits: as the list preloaded them (`with_benefits`), else its relation's."""
    listed = getattr(household, "listed_benefits", None)
    return listed if listed is not None else list(household.benefits.all())


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
        # Benefit rows belong to the higher `benefits` app; read through the prefetched relation.
        # Status and amount are this month's decision's (before the start month: the first one).
        rows = []
        for benefit in _benefits(household):
            status, amount = benefit.current_state  # this month's decision, read once
            rows.append(
                {
                    "programme": benefit.programme,
                    "status": status,
                    "monthly_amount": f"{amount:.2f}",
                    "start_month": f"{benefit.start_month:%Y-%m}",
                }
            )
        return rows

    def to_representation(self, household: Household) -> dict:
        # The item written out directly (a list page is 100 of them; DRF's per-field machinery
        # was a third of the page's time); the declared fields above stay its schema, and the
        # API's schema test checks every answer against it.
        head = self._head(household)
        return {
            "id": household.pk,
            "number": household.number,
            "township": household.township.name,
            "village": household.village.name,
            "head_name": head.name if head else None,
            "head_id_number": _shown_id_number(self.context, head.id_number) if head else None,
            "size": self.get_size(household),
            "classification": household.classification or None,
            "registered_poor": bool(household.registered_poor),
            "out_of_poverty": bool(household.out_of_poverty),
            "benefits": self.get_benefits(household),
        }


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
class HouseholdListApi(ReplicaListMixin, generics.ListAPIView):
    """Households the caller may see (township roles: their township only)."""

    serializer_class = HouseholdSerializer
    permission_classes = [HasRole]
    allowed_roles = ALL_ROLES
    filterset_class = HouseholdFilter

    def get_queryset(self) -> QuerySet[Household]:
        return with_benefits(household_list(self.request.user)).order_by("township__code", "number")

    def paginate_queryset(self, queryset: QuerySet[Household]) -> list[Household] | None:
        # The page in two steps: its keys first (ordered, counted, sliced without the per-row
        # annotations, which PostgreSQL would otherwise compute for every row an OFFSET skips),
        # then its households with everything the items show.
        keys = super().paginate_queryset(queryset.values_list("pk", flat=True))
        if keys is None:
            return None
        rows = {household.pk: household for household in queryset.order_by().filter(pk__in=keys)}
        page = [rows[pk] for pk in keys]
        # The items carry the heads' full ID numbers for roles that see them: log who saw which.
        user = self.request.user
        record_list_access(
            user=user,
            objs=page or [],
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
