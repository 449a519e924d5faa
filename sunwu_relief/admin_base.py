from django.contrib.admin import widgets
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html, format_html_join

from .audit import record_access, record_list_access
from .labels import snapshot_rows
from .ui import client_ip

# Fields whose values are (or contain) the digits an ID-number mask hides.
SENSITIVE_LOOKUP_FIELDS = frozenset({"id_number", "birth_date"})


class SensitiveLookupsMixin:
    """No filtering by ID number or birth date through the changelist's URL.

    The admin accepts any lookup on a model's own fields (`?id_number__startswith=2311241973`,
    `?birth_date__year=1973`): for a caller who sees masked numbers that is an oracle that gives
    back the masked digits. Search (`search_fields`, whole numbers only) stays."""

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if SENSITIVE_LOOKUP_FIELDS & set(lookup.split("__")):
            return False
        return super().lookup_allowed(lookup, value, request)


class ReadOnlyAdminMixin(SensitiveLookupsMixin):
    """Views only: writes go through services, never through an admin form.

    A form is still built for a past version's page (django-simple-history's): its foreign keys
    and many-to-many fields are raw id inputs (the one object named), never a select of every row
    of the related table (46,000 households, each option's label its own query)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("widget", widgets.ForeignKeyRawIdWidget(db_field.remote_field, self.admin_site))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("widget", widgets.ManyToManyRawIdWidget(db_field.remote_field, self.admin_site))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class AccessLoggedAdminMixin:
    """Every admin page that shows full ID numbers or health data writes one access-log row:
    the changelist names the page of objects shown, the change and history pages their object.

    A model admin says what each of its pages ("list", "change", "history") shows to this
    request by overriding `shows_full_ids` and `shows_health_data` (both False by default)."""

    def shows_full_ids(self, request: HttpRequest, page: str) -> bool:
        return False

    def shows_health_data(self, request: HttpRequest, page: str) -> bool:
        return False

    def _log_object(self, request: HttpRequest, object_id: str, response: HttpResponse, page: str) -> None:
        full_ids, health = self.shows_full_ids(request, page), self.shows_health_data(request, page)
        if response.status_code != 200 or not (full_ids or health):
            return
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return
        record_access(
            user=request.user,
            obj=obj,
            channel="admin",
            full_id_numbers=full_ids,
            health_data=health,
            ip_address=client_ip(request),
        )

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            record_list_access(
                user=request.user,
                objs=list(changelist.result_list),
                channel="admin",
                full_id_numbers=self.shows_full_ids(request, "list"),
                health_data=self.shows_health_data(request, "list"),
                ip_address=client_ip(request),
            )
        return response

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        self._log_object(request, object_id, response, "change")
        return response

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        self._log_object(request, object_id, response, "history")
        return response

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context=None
    ) -> HttpResponse:
        # django-simple-history's page of one past version.
        response = super().history_form_view(request, object_id, version_id, extra_context)
        self._log_object(request, object_id, response, "history")
        return response


def row_township(obj) -> str:
    """The township name of a row read through `households.selectors.with_township_names` (else one query)."""
    label = getattr(obj, "township_label", None)
    return label if label is not None else township_name(obj.township_id)


def township_name(township_id: int | None) -> str:
    """A township id stored without a foreign key (scoping columns) as its name."""
    if township_id is None:
        return "—"
    from households.models import Township

    return Township.objects.filter(pk=township_id).values_list("name", flat=True).first() or str(township_id)


def snapshot_table(model, snapshot: dict) -> str:
    """A stored snapshot of policy numbers as a small table with the fields' Chinese labels."""
    rows = snapshot_rows(model, snapshot)
    if not rows:
        return "—"
    return format_html(
        '<table class="snapshot">{}</table>',
        format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
    )
