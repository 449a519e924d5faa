"""Shared parts of the 临时救助 services: the case's data, the standard and its cap, the checks
of who acts and where, the timeline step and the written notice."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from households.ids import validate_id_number
from households.models import Member
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.authz import SystemActor, require, user_or_none
from sunwu_relief.errors import InvalidInput, OutOfScope, Problem, WorkflowError
from sunwu_relief.roles import TOWNSHIP_ROLES, role_of, township_id_of
from sunwu_relief.text import validate_multiline_text, validate_plain_text

from ... import rules
from ...models import Programme, Standard, WrittenNotice
from ...selectors import standard_for, working_day_deadline
from ..events import TemporaryEvent
from ..models import GrantForm, TemporaryCase, TemporaryCause, TemporaryKind, TemporaryStep

KIND_NAMES = {TemporaryKind.EMERGENCY: "急难型", TemporaryKind.EXPENDITURE: "支出型"}


@dataclass(frozen=True)
class TemporaryData:
    kind: str
    cause: str
    circumstances: str
    amount: Decimal
    form: str = GrantForm.CASH
    in_kind: str = ""
    emergency_grant: bool = False
    member: Member | None = None
    # A person without a household in our registry (流动人员): what is known.
    person_name: str = ""
    person_id_number: str = ""
    person_origin: str = ""
    person_phone: str = ""
    # When the person asked for help (None: now); the emergency limit runs from it.
    requested_at: datetime.datetime | None = None


def standard_on(day: datetime.date) -> Standard:
    standard = standard_for(Programme.TEMPORARY, day.year)
    if standard is None:
        raise WorkflowError(
            problems=[Problem("temporary.no_standard", _("There is no temporary assistance standard."))]
        )
    return standard


def temporary_cap(standard: Standard) -> Decimal:
    """The most one case may receive: `temporary_cap_months` × S (10 × S by default)."""
    return (standard.temporary_cap_months * standard.monthly_standard).quantize(rules.FEN)


def checked(value: str, *, field: str, multiline: bool = False, required: bool = False) -> str:
    if required and not str(value).strip():
        raise InvalidInput(field_errors={field: [Problem(f"temporary.{field}_missing", _("This field is required."))]})
    try:
        (validate_multiline_text if multiline else validate_plain_text)(value)
    except ValidationError as exc:
        raise InvalidInput(field_errors={field: exc.messages}) from exc
    return value.strip()


def lock(case: TemporaryCase) -> TemporaryCase:
    return TemporaryCase.objects.select_for_update().get(pk=case.pk)


def require_on_case(actor, case: TemporaryCase, *, roles, message: str) -> None:
    """Another township's case is out of scope (404) for township staff; the wrong role is 403.
    Only a person takes these steps."""
    if role_of(actor) in TOWNSHIP_ROLES and township_id_of(actor) != case.township_id:
        raise OutOfScope()
    require(actor, roles=roles, township_id=case.township_id, allow_system=False, message=message)


def field_errors(data: TemporaryData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, validator in (
        ("circumstances", validate_multiline_text),
        ("in_kind", validate_plain_text),
        ("person_name", validate_plain_text),
        ("person_origin", validate_plain_text),
        ("person_phone", validate_plain_text),
    ):
        try:
            validator(getattr(data, name))
        except ValidationError as exc:
            errors[name] = exc.messages
    if data.person_id_number:
        try:
            validate_id_number(data.person_id_number)
        except ValidationError as exc:
            errors["person_id_number"] = exc.messages
    if data.requested_at is not None and data.requested_at > timezone.now():
        errors["requested_at"] = [Problem("temporary.requested_in_future", _("The request cannot be in the future."))]
    return errors


def amount_problems(amount: Decimal, standard: Standard) -> list[Problem]:
    amount = Decimal(amount)
    cap = temporary_cap(standard)
    if amount <= 0 or amount != amount.quantize(rules.FEN):
        return [Problem("temporary.bad_amount", _("An amount in yuan above 0, at most two decimals."))]
    if amount > cap:
        return [
            Problem(
                "temporary.above_cap",
                _("Above the cap of %(cap)s yuan (%(months)s × the standard).")
                % {"cap": cap, "months": rules._fmt(standard.temporary_cap_months)},
            )
        ]
    return []


def problems_of(data: TemporaryData, standard: Standard) -> list[Problem]:
    problems = []
    if data.kind not in TemporaryKind.values:
        problems.append(Problem("temporary.bad_kind", _("Emergency or necessary spending.")))
    if data.cause not in TemporaryCause.values:
        problems.append(Problem("temporary.bad_cause", _("Unknown cause.")))
    if data.emergency_grant and data.kind != TemporaryKind.EMERGENCY:
        problems.append(
            Problem("temporary.emergency_only", _("Only an emergency (急难型) case may be granted first (先行救助)."))
        )
    if not str(data.circumstances).strip():
        problems.append(Problem("temporary.circumstances_missing", _("Describe the circumstances.")))
    if data.form not in GrantForm.values:
        problems.append(Problem("temporary.bad_form", _("Cash or in kind.")))
    elif data.form == GrantForm.IN_KIND and not data.in_kind.strip():
        problems.append(Problem("temporary.in_kind_missing", _("Say what is given in kind.")))
    problems += amount_problems(data.amount, standard)
    if data.member is None and not data.person_name.strip():
        problems.append(Problem("temporary.person_missing", _("Name the person (a member, or what is known).")))
    return problems


def as_data(case: TemporaryCase) -> TemporaryData:
    return TemporaryData(
        kind=case.kind,
        cause=case.cause,
        circumstances=case.circumstances,
        amount=case.amount,
        form=case.form,
        in_kind=case.in_kind,
        emergency_grant=case.emergency_grant,
        member=case.member,
        person_name=case.person_name,
    )


def record_step(
    *, actor, case: TemporaryCase, event: TemporaryEvent, from_status: str, comment: str = "", **detail
) -> None:
    """The timeline row and the audit entry of one step."""
    TemporaryStep.objects.create(
        case=case,
        action=event.step,
        from_status=from_status,
        to_status=case.status,
        actor=user_or_none(actor),
        system=actor.reason if isinstance(actor, SystemActor) else "",
        comment=comment,
    )
    record_event(
        actor=actor,
        action=event,
        obj=case,
        township_id=case.township_id,
        from_status=from_status,
        to_status=case.status,
        **detail,
    )


def written_notice(case: TemporaryCase, *, kind: str, text: str) -> None:
    """The written notice: on the case (a 流动人员 has no household to file it with) and, for a
    household of our registry, a 书面通知 as for every other decision, due within the
    standard's days."""
    case.notice_body = text
    if case.household_id is None:
        return
    issued = clock.today()
    days = int((case.standard_snapshot or {}).get("written_notice_days", 3))
    case.written_notice = WrittenNotice.objects.create(
        kind=kind,
        household=case.household,
        township_id=case.township_id,
        addressee=case.person_name,
        reason_code="" if kind == WrittenNotice.Kind.APPROVAL else "other",
        body=text,
        issued_on=issued,
        due_on=working_day_deadline(issued, days),
    )
