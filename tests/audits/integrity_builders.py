"""Builders for the integrity tests: the register filled through its services."""

import pytest

from audits.integrity.models import PersonKind, RegisteredPerson, RelationKind
from audits.integrity.services import register


@pytest.fixture
def registry(bureau_reviewer, township_sunwu):
    """registry.person(user=…) and registry.relative(person, id_number): through the services."""

    class Registry:
        def person(self, *, user=None, id_number=None, kind=PersonKind.CIVIL_AFFAIRS, post="民政助理", left_on=None):
            from tests.conftest import new_id_number

            person = RegisteredPerson(
                kind=kind,
                name="赵登记",
                id_number=id_number or new_id_number(born="19750505"),
                post=post,
                township=township_sunwu,
                village=township_sunwu.villages.order_by("id").first(),
                user=user,
                left_on=left_on,
            )
            return register.person_save(actor=bureau_reviewer, person=person)

        def relative(self, person, id_number: str, *, relation: str = "sibling", name: str = "赵亲属"):
            return register.relative_register(
                actor=bureau_reviewer,
                person=person,
                name=name,
                id_number=id_number,
                relation=RelationKind.objects.get(code=relation),
            )

    return Registry()
