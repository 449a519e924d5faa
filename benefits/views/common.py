"""What the benefits pages share: who may read a case, fetching it, the township of a board."""

from django.http import HttpRequest

from households.selectors import townships_for
from sunwu_relief.roles import Role, role_of
from sunwu_relief.ui import object_or_404

from ..models import Application
from ..selectors import application_details_for

TOWNSHIP_ROLES = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER)
CASE_READERS = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR)


def get_application(request: HttpRequest, pk: int) -> Application:
    """The case the URL names, with what its page shows; outside the user's scope a 404."""
    return object_or_404(application_details_for(request.user), pk=pk)


def one_township(request: HttpRequest) -> bool:
    return role_of(request.user) in TOWNSHIP_ROLES


def board_township(request: HttpRequest, village):
    if village is not None:
        return village.township
    return townships_for(request.user).first() if one_township(request) else None
