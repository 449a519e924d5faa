"""The household page's payments: each benefit's payee (masked per role) and its months paid."""

from django import template

from benefits.payments.selectors import account_for, household_payments, payee_of
from sunwu_relief.roles import Role, role_of

register = template.Library()


@register.inclusion_tag("benefits/household_payments.html", takes_context=True)
def household_payments_section(context, household) -> dict:
    user = context["request"].user
    payees = []
    for benefit in household.benefits.all():
        payee = payee_of(benefit)
        payees.append(
            {
                "benefit": benefit,
                "payee": payee,
                "account": account_for(user, payee.account_number) if payee else "",
            }
        )
    return {
        "payees": payees,
        "items": household_payments(user, household=household),
        "can_edit": role_of(user) == Role.CASEWORKER,
    }
