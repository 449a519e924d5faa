from django.http import HttpRequest

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
    """Views only: writes go through services, never through an admin form."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
