"""The payee of a benefit and the account it is paid on: set or changed with who and why."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.ids import validate_id_number
from households.models import Member, Relationship
from sunwu_relief.audit import record_event
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope, Problem
from sunwu_relief.roles import Role, role_of, township_id_of
from sunwu_relief.text import validate_plain_text

from ...models import Bank, Benefit, Payee
from ...temporary.models import TemporaryPayment
from .. import events, rules
from ..selectors import one_off_payee_of, payee_of


def _problem(code: str, message: str) -> Problem:
    return Problem(code, message)


def _check_role(actor, township_id: int) -> None:
    """The caseworker of the township enters the account; the bureau reviewer may correct it."""
    role = role_of(actor)
    if role == Role.CASEWORKER and township_id_of(actor) != township_id:
        raise OutOfScope()
    if role not in (Role.CASEWORKER, Role.BUREAU_REVIEWER):
        raise OutOfScope() if role in (None, Role.POVERTY_OFFICE) else NotAllowed()


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if reason:
        validate_plain_text(reason, multiline=True)
    return reason


def _account(bank: Bank, account_number: str) -> str:
    number = rules.normalise_account(account_number or "")
    problem = rules.account_problem(number, uses_luhn=bank.uses_luhn)
    if problem is not None:
        code, message = problem
        raise InvalidInput(field_errors={"account_number": [message]}, code=code, problems=[_problem(code, message)])
    if not bank.active:
        raise InvalidInput(field_errors={"bank": [_("This bank is no longer used.")]}, code="payments.bank_inactive")
    return number


def _reason_required() -> InvalidInput:
    message = _("Give the reason for this payee or this change.")
    return InvalidInput(
        field_errors={"reason": [message]},
        code="payments.payee_reason_required",
        problems=[_problem("payments.payee_reason_required", message)],
    )


def _save(payee: Payee, *, actor, bank: Bank, number: str, reason: str) -> None:
    payee.bank, payee.account_number, payee.reason = bank, number, reason
    payee.changed_by = actor if getattr(actor, "pk", None) else None
    payee.changed = timezone.now()
    payee._history_user = payee.changed_by
    payee.save()


# Payee ----------------------------------------------------------------------------------------


@transaction.atomic
def payee_set(
    *,
    actor,
    benefit: Benefit,
    bank: Bank,
    account_number: str,
    member: Member | None = None,
    guardian_name: str = "",
    guardian_id_number: str = "",
    reason: str = "",
) -> Payee:
    """Set or change who receives a benefit and on which account. The head needs no reason;
    another member, a guardian and every change of an existing payee do. Audited (masked)."""
    benefit = Benefit.objects.select_for_update().get(pk=benefit.pk)
    _check_role(actor, benefit.township_id)
    reason = _reason(reason)
    number = _account(bank, account_number)
    if member is not None:
        if member.household_id != benefit.household_id:
            raise InvalidInput(field_errors={"member": [_("Choose a member of this household.")]})
        name, id_number = member.name, member.id_number
    else:
        name = (guardian_name or "").strip()
        validate_plain_text(name)
        try:
            id_number = validate_id_number(guardian_id_number or "")
        except Exception as exc:
            raise InvalidInput(field_errors={"guardian_id_number": [_("Enter a valid ID number.")]}) from exc
        if not name:
            raise InvalidInput(field_errors={"guardian_name": [_("Enter the guardian's name.")]})
    current = payee_of(benefit)
    needs_reason = current is not None or member is None or member.relationship != Relationship.HEAD
    if needs_reason and not reason:
        raise _reason_required()
    if current is not None and (
        current.member_id == getattr(member, "pk", None)
        and current.bank_id == bank.pk
        and current.account_number == number
        and current.name == name
    ):
        return current  # nothing changes: a second submit is a no-op
    payee = current or Payee(benefit=benefit, township_id=benefit.township_id)
    old_account = rules.mask_account(current.account_number) if current else ""
    payee.member, payee.name, payee.id_number = member, name, id_number
    _save(payee, actor=actor, bank=bank, number=number, reason=reason)
    record_event(
        actor=actor,
        action=events.PAYEE_SET if current is None else events.PAYEE_CHANGE,
        obj=payee,
        benefit_id=benefit.pk,
        bank=bank.name,
        old_account=old_account,
        new_account=rules.mask_account(number),
        reason=reason,
    )
    return payee


@transaction.atomic
def one_off_payee_set(*, actor, payment: TemporaryPayment, bank: Bank, account_number: str, reason: str = "") -> Payee:
    """Set or change the account a one-off 临时救助 payment is paid to (the person it was granted
    to, as recorded on the grant). A change needs a reason. Audited (masked)."""
    payment = TemporaryPayment.objects.select_for_update().select_related("case").get(pk=payment.pk)
    _check_role(actor, payment.township_id)
    reason = _reason(reason)
    number = _account(bank, account_number)
    current = one_off_payee_of(payment)
    if current is not None and current.bank_id == bank.pk and current.account_number == number:
        return current  # nothing changes: a second submit is a no-op
    if current is not None and not reason:
        raise _reason_required()
    payee = current or Payee(
        temporary_payment=payment,
        township_id=payment.township_id,
        member=payment.case.member,
        name=payment.payee_name,
        id_number=payment.payee_id_number,
    )
    old_account = rules.mask_account(current.account_number) if current else ""
    _save(payee, actor=actor, bank=bank, number=number, reason=reason)
    record_event(
        actor=actor,
        action=events.PAYEE_SET if current is None else events.PAYEE_CHANGE,
        obj=payee,
        temporary_payment_id=payment.pk,
        bank=bank.name,
        old_account=old_account,
        new_account=rules.mask_account(number),
        reason=reason,
    )
    return payee
