"""Domain errors, mapped once to HTTP codes (API) and to form errors or messages (UI)."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base: a translated message, optionally per field."""

    status_code = 400
    default_message = _("The request cannot be carried out.")

    def __init__(self, message: str | None = None, *, field_errors: dict[str, list[str]] | None = None) -> None:
        self.message = str(message or self.default_message)
        self.field_errors = field_errors or {}
        super().__init__(self.message)


class InvalidInput(DomainError):
    status_code = 400
    default_message = _("Some fields are not valid.")


class NotAllowed(DomainError):
    """Inside the user's scope, but the user's role may not do this."""

    status_code = 403
    default_message = _("Your role may not do this.")


class OutOfScope(DomainError):
    """Outside the user's scope: answered as not found, so that scope does not leak existence."""

    status_code = 404
    default_message = _("Not found.")


class WorkflowError(DomainError):
    """A transition refused by the workflow or one of its guards."""

    status_code = 409
    default_message = _("This step is not possible now.")
