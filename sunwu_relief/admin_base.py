from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """Views only: writes go through services, never through an admin form."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
