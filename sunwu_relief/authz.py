"""Who may do a write: one `require()` for every service, and an explicit system actor.

A service takes `actor` and calls `require(actor, …)` before it changes anything. The actor is a
user (a person at a screen, an API client) or `system("…")`: the scheduler, an operator's command,
a data migration — named, so that the audit trail says which. `None` is not an actor: a service
that is given None refuses (a forgotten argument must not skip the checks, as it once did).

Township scope answers 404 (`OutOfScope`), so that a user cannot learn what exists elsewhere; a
role that may not act inside its scope answers 403 (`NotAllowed`).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .errors import NotAllowed, OutOfScope
from .roles import COUNTY_ROLES, role_of, township_id_of


@dataclass(frozen=True)
class SystemActor:
    """The system acting on its own (a task, a command, a migration), named by `reason`."""

    reason: str
    pk: None = None
    is_authenticated: bool = False
    is_superuser: bool = False

    def __str__(self) -> str:
        return f"system:{self.reason}"


def system(reason: str) -> SystemActor:
    """The system actor for `reason` ("task:take_decisions_into_effect", "command:import_ledger")."""
    if not reason:
        raise ValueError("a system actor needs a reason")
    return SystemActor(reason=reason)


def is_system(actor: object) -> bool:
    return isinstance(actor, SystemActor)


def require(
    actor: object,
    *,
    roles: Iterable[str] | None = None,
    township_id: int | None = None,
    allow_system: bool = True,
    code: str = "not_allowed",
    message: str | None = None,
) -> None:
    """Refuse unless `actor` may act: one of `roles` (any role when None) and, for a township
    role, inside `township_id` (when given). The system passes unless `allow_system` is False
    (steps that only a person may take: a decision, an approval).

    Raises `NotAllowed` (403) for the wrong role, `OutOfScope` (404) for another township, and
    `TypeError` for a missing actor — a programming error, never a user's."""
    if actor is None:
        raise TypeError("actor is required: pass the user, or sunwu_relief.authz.system(reason)")
    if isinstance(actor, SystemActor):
        if not allow_system:
            raise NotAllowed(message or _("Only a person may take this step."), code=code)
        return
    role = role_of(actor)
    if role is None or (roles is not None and role not in set(roles)):
        raise NotAllowed(message or _("Your role may not do this."), code=code)
    if township_id is not None and role not in COUNTY_ROLES and township_id_of(actor) != township_id:
        raise OutOfScope()


def user_or_none(actor: object):
    """The user to store in a foreign key (`created_by`, `AuditEvent.actor`): None for the system."""
    return None if actor is None or isinstance(actor, SystemActor) else actor
