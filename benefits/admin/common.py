"""What the benefits admin pages share: who reads a case there, the name of the system actor."""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from sunwu_relief.roles import Role, role_of


def _system() -> str:
    return gettext_lazy("system")


class CaseReaderMixin:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) in (Role.BUREAU_REVIEWER, Role.AUDITOR)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)
