"""Extension points that a higher app fills in (dependencies run one way: audits → benefits).

The close-relatives register lives in `audits`; at start-up it registers a filing check here, and
`application_submit` asks every registered check whether the case must be filed (备案, N1).
"""

from collections.abc import Callable

from households.models import Household

FilingCheck = Callable[[Household], list[str]]
_filing_checks: list[FilingCheck] = []


def register_filing_check(check: FilingCheck) -> None:
    if check not in _filing_checks:
        _filing_checks.append(check)


def filing_reasons(household: Household) -> list[str]:
    """Chinese reasons why this household's case must be filed; empty when none."""
    reasons: list[str] = []
    for check in _filing_checks:
        reasons.extend(check(household))
    return reasons


ApprovalCheck = Callable[["Application"], list[str]]  # noqa: F821  (benefits.models.Application)
_approval_checks: list[ApprovalCheck] = []


def register_approval_check(check: ApprovalCheck) -> None:
    """A higher app's condition for the county's approval (the spot-check draw, in `audits`)."""
    if check not in _approval_checks:
        _approval_checks.append(check)


def approval_check_problems(application) -> list[str]:
    problems: list[str] = []
    for check in _approval_checks:
        problems.extend(check(application))
    return problems


CaseActorCheck = Callable[[object, "Application"], list[str]]  # noqa: F821
_case_actor_checks: list[CaseActorCheck] = []


def register_case_actor_check(check: CaseActorCheck) -> None:
    """A higher app's refusal of one person on one case (the close-relatives register, in `audits`)."""
    if check not in _case_actor_checks:
        _case_actor_checks.append(check)


def case_actor_problems(actor, application) -> list[str]:
    """Why `actor` may not work `application` (every step checks it); empty when they may."""
    problems: list[str] = []
    for check in _case_actor_checks:
        problems.extend(check(actor, application))
    return problems


StandardCheck = Callable[["Standard"], list[str]]  # noqa: F821  (benefits.models.Standard)
_standard_checks: list[StandardCheck] = []


def register_standard_check(check: StandardCheck) -> None:
    """A condition on a yearly standard kept elsewhere (the 特困 standard against the rural living
    level, `benefits.carehomes.standard_review`)."""
    if check not in _standard_checks:
        _standard_checks.append(check)


def standard_check_problems(standard) -> list[str]:
    problems: list[str] = []
    for check in _standard_checks:
        problems.extend(check(standard))
    return problems


# Households that must be re-verified, named by a higher app (an upheld complaint, an out-of-poverty
# declaration in the ledger): each source returns (household, ReviewReason value, note) tuples for
# a day; the daily re-verification run opens a review of each running 低保 benefit they name.
ReviewSource = Callable[[object], list[tuple[Household, str, str]]]
_review_sources: list[ReviewSource] = []


def register_review_source(source: ReviewSource) -> None:
    if source not in _review_sources:
        _review_sources.append(source)


def review_sources() -> list[ReviewSource]:
    return list(_review_sources)


# Households with complaints (举报/投诉), named by the app that keeps them (`audits`): a
# campaign scoped to "complaints or objections" checks them (a subquery of household pks).
ComplainedHouseholds = Callable[[], object]
_complained_providers: list[ComplainedHouseholds] = []


def register_complained_households(provider: ComplainedHouseholds) -> None:
    if provider not in _complained_providers:
        _complained_providers.append(provider)


def complained_households_providers() -> list[ComplainedHouseholds]:
    return list(_complained_providers)
