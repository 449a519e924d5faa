"""Domain errors, mapped once to HTTP codes (API) and to form errors or messages (UI)."""

from django.utils.translation import gettext_lazy as _


class Problem(str):
    """One unmet condition of a guard: the translated message (the string itself) and a stable,
    untranslated `code` that tests, API clients and logs use (`"tekun.not_unable_to_work"`).

    Being a `str`, a list of problems still joins into one sentence for the UI."""

    code: str

    def __new__(cls, code: str, message: object) -> "Problem":
        problem = super().__new__(cls, str(message))
        problem.code = code
        return problem


class DomainError(Exception):
    """Base: a translated message, optionally per field, with stable codes.

    `code` names the error as a whole (`"workflow.not_allowed"` …); `codes` lists the codes of
    every `Problem` it was raised with, so that a test asserts `"tekun.has_able_obligor" in
    exc.codes` instead of matching a translated sentence."""

    status_code = 400
    default_code = "invalid"
    default_message = _("The request cannot be carried out.")

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        field_errors: dict[str, list[str]] | None = None,
        problems: "list[Problem] | None" = None,
    ) -> None:
        problems = list(problems or [])
        if message is None and problems:
            message = " ".join(problems)
        self.message = str(message or self.default_message)
        self.field_errors = field_errors or {}
        self.problems = problems
        self.code = code or getattr(message, "code", None) or self.default_code
        self.codes = [p.code for p in problems if isinstance(p, Problem)] or [self.code]
        super().__init__(self.message)


class InvalidInput(DomainError):
    status_code = 400
    default_code = "invalid_input"
    default_message = _("Some fields are not valid.")


class NotAllowed(DomainError):
    """Inside the user's scope, but the user's role may not do this."""

    status_code = 403
    default_code = "not_allowed"
    default_message = _("Your role may not do this.")


class OutOfScope(DomainError):
    """Outside the user's scope: answered as not found, so that scope does not leak existence."""

    status_code = 404
    default_code = "not_found"
    default_message = _("Not found.")


class WorkflowError(DomainError):
    """A transition refused by the workflow or one of its guards."""

    status_code = 409
    default_code = "workflow"
    default_message = _("This step is not possible now.")


class RateLimited(DomainError):
    """Too many requests of this kind from this client (or from everyone) in a while."""

    status_code = 429
    default_code = "rate_limited"
    default_message = _("Too many requests; please try again later or call us.")
