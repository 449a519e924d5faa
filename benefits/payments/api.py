"""The API's view of a household's payments: month, kind, amount, state. Never the account."""

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from households.models import Household
from households.selectors import household_detail
from sunwu_relief.api import HasRole, ReplicaListMixin
from sunwu_relief.roles import Role
from sunwu_relief.serializers import Serializer

from ..models import FROZEN_BATCH_STATUSES, PaymentItem
from .selectors import items_for


class PaymentSerializer(Serializer):
    """One payment item; `state` is the bank's result (`paid`, `failed`) or else the batch's
    state (`approved`, `exported`)."""

    month = serializers.SerializerMethodField()
    programme = serializers.CharField(source="batch.programme")
    kind = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    months = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()

    def get_month(self, item: PaymentItem) -> str:
        return f"{item.batch.month:%Y-%m}"

    def get_months(self, item: PaymentItem) -> list[str]:
        return sorted(item.months)

    def get_state(self, item: PaymentItem) -> str:
        return item.result or item.batch.status


@extend_schema(tags=["households"])
class HouseholdPaymentsApi(ReplicaListMixin, generics.ListAPIView):
    """A household's payments of approved batches, newest month first; 404 outside the scope."""

    serializer_class = PaymentSerializer
    permission_classes = [HasRole]
    allowed_roles = frozenset(Role.values)
    queryset = PaymentItem.objects.none()  # the schema's model; requests use get_queryset

    def get_queryset(self) -> QuerySet[PaymentItem]:
        if getattr(self, "swagger_fake_view", False):
            return PaymentItem.objects.none()
        try:
            household = household_detail(self.request.user, pk=int(self.kwargs["pk"]))
        except (Household.DoesNotExist, ValueError) as exc:
            raise Http404 from exc
        return (
            items_for(self.request.user)
            .filter(household=household, batch__status__in=FROZEN_BATCH_STATUSES)
            .order_by("-batch__month", "seq")
        )
