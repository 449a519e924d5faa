"""Admin for the county: care homes (beds, occupied, free), placements in a home (placed, moved,
ended through the services; refused when the home is full), self-care assessments (read), and
the 特困 standard review (the rural living level per year against the 特困 basic standard)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.selectors import with_township_names
from sunwu_relief import clock
from sunwu_relief.admin_base import ReadOnlyAdminMixin, row_township
from sunwu_relief.errors import DomainError
from sunwu_relief.forms import Form, ModelForm, PlainTextAdminMixin
from sunwu_relief.roles import Role, role_of
from sunwu_relief.ui import add_domain_error, object_or_404

from .forms import EndForm, HomePlacementForm, TekunBasicForm
from .models import CareHome, LivingLevel, Placement, SelfCareAssessment, SupportMode
from .selectors import care_homes, occupancy, placements_for, unplaced_persons
from .services import (
    PlacementData,
    care_home_save,
    living_level_save,
    placement_end,
    placement_move,
    placement_start,
    tekun_standard_set,
)
from .standard_review import living_level_errors, review_rows, tekun_standards

COUNTY_READERS = (Role.BUREAU_REVIEWER, Role.AUDITOR)


class CountyMixin:
    """County staff read; the bureau reviewer writes (through the services)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) in COUNTY_READERS

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return role_of(request.user) == Role.BUREAU_REVIEWER

    has_change_permission = has_add_permission

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def _bureau(self, request: HttpRequest) -> None:
        if role_of(request.user) != Role.BUREAU_REVIEWER:
            raise PermissionDenied


class CareHomeForm(ModelForm):
    class Meta:
        model = CareHome
        fields = [
            "name",
            "kind",
            "operator",
            "township",
            "address",
            "capacity",
            "contact_name",
            "contact_phone",
            "active",
        ]

    def clean(self) -> dict:
        data = super().clean()
        capacity = data.get("capacity")
        if self.instance.pk and capacity is not None:
            used = occupancy(self.instance, on=clock.today())
            if capacity < used:
                self.add_error(
                    "capacity", _("%(used)s persons live there today: not fewer beds than that.") % {"used": used}
                )
        return data


@admin.register(CareHome)
class CareHomeAdmin(CountyMixin, PlainTextAdminMixin, admin.ModelAdmin):
    form = CareHomeForm
    list_display = ["name", "kind", "township", "capacity", "occupied_today", "free_today", "operator", "active"]
    list_filter = ["kind", "township", "active"]
    search_fields = ["name", "operator"]

    def get_queryset(self, request: HttpRequest):
        return care_homes(on=clock.today())

    @admin.display(description=gettext_lazy("occupied"))
    def occupied_today(self, home: CareHome) -> int:
        return home.occupied

    @admin.display(description=gettext_lazy("free beds"))
    def free_today(self, home: CareHome) -> str:
        free = max(0, home.capacity - home.occupied)
        return str(free) if free else _("Full")

    def save_model(self, request: HttpRequest, obj: CareHome, form, change: bool) -> None:
        care_home_save(actor=request.user, home=obj)


class MoveForm(Form):
    home = forms.ModelChoiceField(label=gettext_lazy("home"), queryset=None)
    on = forms.DateField(label=gettext_lazy("moves on"), widget=forms.DateInput(attrs={"type": "date"}))
    room = forms.CharField(label=gettext_lazy("room or bed"), max_length=32, required=False)

    def __init__(self, *args, homes, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["home"].queryset = homes
        self.fields["home"].label_from_instance = lambda h: f"{h.name}（{h.capacity - h.occupied}/{h.capacity}）"


@admin.register(Placement)
class PlacementAdmin(ReadOnlyAdminMixin, CountyMixin, admin.ModelAdmin):
    list_display = ["member", "mode", "home", "township", "start_on", "end_on", "end_reason", "actions_link"]
    list_filter = ["mode", "home", "end_reason"]
    search_fields = ["member__name", "home__name", "carer_name"]
    exclude = ["township_id"]

    def get_queryset(self, request: HttpRequest):
        return with_township_names(placements_for(request.user))

    @admin.display(description=gettext_lazy("township"))
    def township(self, placement: Placement) -> str:
        return row_township(placement)

    @admin.display(description=gettext_lazy("Move or end"))
    def actions_link(self, placement: Placement) -> str:
        if placement.end_on is not None or placement.mode != SupportMode.CENTRALISED:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:benefits_placement_change_place", args=[placement.pk]),
            _("Move or end"),
        )

    def get_urls(self):
        own = [
            path("place/", self.admin_site.admin_view(self.place_view), name="benefits_placement_place"),
            path("<int:pk>/move/", self.admin_site.admin_view(self.move_view), name="benefits_placement_change_place"),
        ]
        return own + super().get_urls()

    change_list_template = "admin/benefits/placement_change_list.html"

    def changelist_view(self, request: HttpRequest, extra_context=None):
        can_place = role_of(request.user) == Role.BUREAU_REVIEWER
        extra_context = {**(extra_context or {}), "can_place": can_place}
        return super().changelist_view(request, extra_context)

    def _homes(self):
        return care_homes(on=clock.today()).filter(active=True).order_by("name")

    def place_view(self, request: HttpRequest) -> HttpResponse:
        """The bureau places a 特困 person in a home (refused when it is full)."""
        self._bureau(request)
        form = HomePlacementForm(
            request.POST or None, members=unplaced_persons(request.user, on=clock.today()), homes=self._homes()
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                placement_start(
                    actor=request.user,
                    member=data["member"],
                    data=PlacementData(
                        mode=SupportMode.CENTRALISED, home=data["home"], start_on=data["start_on"], room=data["room"]
                    ),
                )
            except DomainError as exc:
                add_domain_error(form, exc, request=request)
            else:
                messages.success(request, _("Placed."))
                return redirect("admin:benefits_placement_changelist")
        return self._render(request, _("Place a person in a home"), form=form)

    def move_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Move a resident to another home (or another room), or end the placement."""
        self._bureau(request)
        placement = object_or_404(placements_for(request.user), pk=pk, end_on__isnull=True)
        move = MoveForm(request.POST if request.POST.get("step") == "move" else None, homes=self._homes())
        end = EndForm(request.POST if request.POST.get("step") == "end" else None)
        form = move if request.POST.get("step") == "move" else end
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if form is move:
                    placement_move(
                        actor=request.user,
                        placement=placement,
                        data=PlacementData(
                            mode=SupportMode.CENTRALISED, home=data["home"], start_on=data["on"], room=data["room"]
                        ),
                    )
                else:
                    placement_end(actor=request.user, placement=placement, **data)
            except DomainError as exc:
                add_domain_error(form, exc, request=request)
            else:
                messages.success(request, _("Recorded."))
                return redirect("admin:benefits_placement_changelist")
        return self._render(request, str(placement), move=move, end=end, placement=placement)

    def _render(self, request: HttpRequest, title: str, **context) -> HttpResponse:
        context = {**self.admin_site.each_context(request), "title": title, "opts": self.model._meta, **context}
        return render(request, "admin/benefits/placement_form.html", context)


@admin.register(SelfCareAssessment)
class SelfCareAssessmentAdmin(ReadOnlyAdminMixin, CountyMixin, admin.ModelAdmin):
    list_display = ["member", "level", "assessed_on", "assessed_by"]
    list_filter = ["level"]
    exclude = ["township_id"]


class LivingLevelForm(ModelForm):
    class Meta:
        model = LivingLevel
        fields = ["year", "expenditure", "expenditure_year", "price_index", "source"]

    def clean(self) -> dict:
        data = super().clean()
        for field, messages_ in living_level_errors(self.instance).items():
            if field not in self.errors:
                for message in messages_:
                    self.add_error(field, message)
        return data


@admin.register(LivingLevel)
class LivingLevelAdmin(CountyMixin, PlainTextAdminMixin, admin.ModelAdmin):
    """The rural living level per standard year, and the review of the 特困 standard against it."""

    form = LivingLevelForm
    list_display = ["year", "expenditure", "expenditure_year", "price_index", "source", "recorded_by"]
    change_list_template = "admin/benefits/livinglevel_change_list.html"

    def save_model(self, request: HttpRequest, obj: LivingLevel, form, change: bool) -> None:
        living_level_save(actor=request.user, level=obj)

    def get_urls(self):
        own = [
            path(
                "standard/<int:pk>/",
                self.admin_site.admin_view(self.standard_view),
                name="benefits_livinglevel_standard",
            )
        ]
        return own + super().get_urls()

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra_context = {**(extra_context or {}), "review_rows": review_rows(today=clock.today())}
        return super().changelist_view(request, extra_context)

    def standard_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Set a year's 特困 basic living standard: refused below the recorded living level."""
        self._bureau(request)
        standard = object_or_404(tekun_standards(), pk=pk)
        form = TekunBasicForm(request.POST or None, initial={"basic": standard.tekun_basic})
        if request.method == "POST" and form.is_valid():
            try:
                tekun_standard_set(actor=request.user, standard=standard, basic=form.cleaned_data["basic"])
            except DomainError as exc:
                add_domain_error(form, exc, request=request)
            else:
                messages.success(request, _("The 特困 standard is saved (a new version)."))
                return redirect("admin:benefits_livinglevel_changelist")
        row = next(r for r in review_rows(today=clock.today()) if r.year == standard.year)
        context = {
            **self.admin_site.each_context(request),
            "title": _("特困 standard review"),
            "opts": self.model._meta,
            "form": form,
            "row": row,
        }
        return render(request, "admin/benefits/livinglevel_standard.html", context)
