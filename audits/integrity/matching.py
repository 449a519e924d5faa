"""Matching against the close-relatives register, by ID number (docs/integrity.md).

- `filing_check` is registered with `benefits.hooks`: `application_submit` asks it whether the
  household's case is filed 备案 (a filed case is always in the spot-check sample and always needs
  the county's home visit before approval).
- `case_actor_problems` is registered with `benefits.hooks` too: the member of staff who is
  (or is a registered relative of) a member of the household may not work the case (回避).
- A relative registered while a case is under way files that case at once
  (`services.filing.refile_open_cases`).

The reasons stored on a case name the household member only: who the staff member is and how
they are related stays in the register, which only county staff see.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from benefits.models import Application
from households.models import Household, Member
from sunwu_relief import clock
from sunwu_relief.errors import Problem

from .models import RegisteredPerson, RegisteredRelative


@dataclass(frozen=True)
class Match:
    id_number: str
    person: RegisteredPerson
    relation: str  # the relation's name, or "本人" for the person themself


def active_persons():
    """Staff and cadres in post today (a person who left is no longer a ground for filing)."""
    return RegisteredPerson.objects.filter(Q(left_on__isnull=True) | Q(left_on__gt=clock.today()))


def register_matches(id_numbers: Iterable[str]) -> list[Match]:
    """Every registration in force that names one of `id_numbers`: the person themself or a
    registered close relative of a person in post."""
    numbers = sorted(set(id_numbers))
    if not numbers:
        return []
    persons = active_persons()
    matches = [Match(p.id_number, p, "本人") for p in persons.filter(id_number__in=numbers).order_by("pk")]
    relatives = (
        RegisteredRelative.objects.filter(removed_at__isnull=True, id_number__in=numbers, person__in=persons)
        .select_related("person", "relation")
        .order_by("pk")
    )
    matches.extend(Match(r.id_number, r.person, r.relation.name) for r in relatives)
    return matches


def _members(household: Household) -> list[Member]:
    return list(Member.objects.filter(household=household).order_by("id"))


def filing_reasons_for(household: Household) -> list[str]:
    """The filing check (benefits.hooks): one Chinese reason per matched household member."""
    members = _members(household)
    matched = {m.id_number for m in register_matches(member.id_number for member in members)}
    return [
        f"{member.name}为登记在册的民政工作人员或村（居）委会干部本人或其近亲属（近亲属备案）"
        for member in members
        if member.id_number in matched
    ]


def matches_for_household(household: Household) -> list[Match]:
    """For county staff: who in the register each household member is matched with."""
    return register_matches(member.id_number for member in _members(household))


def _worker_person(actor) -> RegisteredPerson | None:
    if not getattr(actor, "pk", None):
        return None
    return active_persons().filter(user_id=actor.pk).first()


def worker_is_relative(actor, household: Household) -> bool:
    """Whether `actor` is registered and they or a relative of theirs is a household member."""
    person = _worker_person(actor)
    if person is None:
        return False
    numbers = [member.id_number for member in _members(household)]
    return any(match.person.pk == person.pk for match in register_matches(numbers))


def case_actor_problems(actor, application: Application) -> list[Problem]:
    """The guard (benefits.hooks) on every step of a case: the relative-worker is refused."""
    if worker_is_relative(actor, application.household):
        return [
            Problem(
                "integrity.relative_worker",
                _(
                    "You or your registered close relative is a member of this household: another member of "
                    "staff must work this case (回避)."
                ),
            )
        ]
    return []
