"""Admin for the county: re-verifications and campaigns, read only (every change goes through
the services and the pages of `benefits/reviews/views.py`)."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from households.selectors import with_township_names
from sunwu_relief.admin_base import ReadOnlyAdminMixin, row_township

from ..intake.admin import CountyReaderMixin
from .models import Campaign, Review
from .selectors import campaigns_for, reviews_for


@admin.register(Review)
class ReviewAdmin(CountyReaderMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["household", "township", "reason", "priority", "due_on", "complete_by", "status", "outcome"]
    list_filter = ["status", "reason", "outcome", "priority"]
    list_select_related = ["household"]
    search_fields = ["household__number"]
    exclude = ["township_id", "reasons"]

    def get_queryset(self, request: HttpRequest):
        return with_township_names(reviews_for(request.user))

    @admin.display(description=gettext_lazy("township"))
    def township(self, review: Review) -> str:
        return row_township(review)


@admin.register(Campaign)
class CampaignAdmin(CountyReaderMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "scope", "deployment_starts", "implementation_starts", "acceptance_starts", "status"]
    list_filter = ["status", "scope"]
    exclude = ["household_ids"]

    def get_queryset(self, request: HttpRequest):
        return campaigns_for(request.user)
