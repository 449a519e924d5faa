"""The payee of a benefit: who receives the money, on which account; validated, masked, audited."""

import pytest

from benefits.models import ApplicationStatus, Bank, Payee
from benefits.payments import rules
from benefits.payments import services as payments
from benefits.payments.selectors import account_for
from sunwu_relief.errors import InvalidInput, OutOfScope
from sunwu_relief.models import AuditEvent
from tests.benefits.payment_builders import agri_bank, card_number, give_payee

pytestmark = pytest.mark.django_db


@pytest.fixture
def benefit(cases):
    return cases.to(ApplicationStatus.APPROVED).benefit


def test_luhn_and_length_rules():
    assert rules.account_problem(card_number(length=16), uses_luhn=True) is None
    assert rules.account_problem(card_number(length=19), uses_luhn=True) is None
    good = card_number()
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert rules.account_problem(bad, uses_luhn=True)[0] == "payments.account_checksum"
    assert rules.account_problem(bad, uses_luhn=False) is None
    assert rules.account_problem("1" * 15, uses_luhn=False)[0] == "payments.account_length"
    assert rules.account_problem("1" * 20, uses_luhn=False)[0] == "payments.account_length"
    assert rules.account_problem("6228 4800", uses_luhn=False)[0] == "payments.account_not_digits"
    assert (
        rules.account_problem("６２２８４８００１２３４５６７８９０", uses_luhn=False)[0]
        == "payments.account_not_digits"
    )
    assert rules.mask_account("6228480012345678901") == "6228***********8901"


def test_the_head_is_set_as_payee_without_reason_and_audited_masked(benefit, caseworker_sunwu):
    number = card_number()
    payee = give_payee(benefit, actor=caseworker_sunwu, number=" ".join([number[:4], number[4:]]))
    assert payee.account_number == number
    assert payee.name == benefit.household.members.get(relationship="head").name
    event = AuditEvent.objects.get(action="payee.set")
    assert number not in str(event.detail)
    assert event.detail["new_account"] == rules.mask_account(number)


def test_a_bank_without_luhn_accepts_its_numbers(benefit, caseworker_sunwu):
    passbook = Bank.objects.get(uses_luhn=False)
    head = benefit.household.members.get(relationship="head")
    payee = payments.payee_set(
        actor=caseworker_sunwu, benefit=benefit, bank=passbook, account_number="1234567890123456", member=head
    )
    assert payee.bank == passbook


def test_a_wrong_check_digit_is_a_field_error(benefit, caseworker_sunwu):
    good = card_number()
    with pytest.raises(InvalidInput) as exc:
        give_payee(benefit, actor=caseworker_sunwu, number=good[:-1] + str((int(good[-1]) + 1) % 10))
    assert "payments.account_checksum" in exc.value.codes
    assert "account_number" in exc.value.field_errors
    assert not Payee.objects.exists()


def test_another_member_or_a_change_needs_a_reason_and_history_keeps_the_old(benefit, caseworker_sunwu):
    give_payee(benefit, actor=caseworker_sunwu)
    with pytest.raises(InvalidInput) as exc:
        give_payee(benefit, actor=caseworker_sunwu, number=card_number("6228481"))
    assert "payments.payee_reason_required" in exc.value.codes
    spouse_less = benefit.household.members.exclude(relationship="head").first()
    payee = payments.payee_set(
        actor=caseworker_sunwu,
        benefit=benefit,
        bank=agri_bank(),
        account_number=card_number("6228482"),
        member=spouse_less,
        reason="户主长期外出务工，由子女代领",
    )
    assert payee.member == spouse_less
    assert payee.history.count() == 2
    assert AuditEvent.objects.filter(action="payee.change").count() == 1


def test_a_caseworker_of_another_township_cannot_set_the_payee(benefit, caseworker_chenqing):
    with pytest.raises(OutOfScope):
        give_payee(benefit, actor=caseworker_chenqing)


def test_the_account_is_masked_for_roles_without_need(caseworker_sunwu, reviewer_sunwu, bureau_reviewer, auditor):
    number = card_number()
    assert account_for(caseworker_sunwu, number) == number
    assert account_for(bureau_reviewer, number) == number
    assert account_for(reviewer_sunwu, number) == rules.mask_account(number)
    assert account_for(auditor, number) == rules.mask_account(number)
