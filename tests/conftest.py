"""Personas and builders shared by the whole suite. States are built through the real services."""

import itertools
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model

from bench.synthetic import make_id_number
from households import services as household_services
from households.models import Household, Township
from sunwu_relief.authz import system
from sunwu_relief.roles import Role
from sunwu_relief.services import staff_create_or_update

SUNWU = "孙吴镇"
CHENQING = "辰清镇"
PASSWORD = "test-pass-Sunwu-2026"


@pytest.fixture
def township_sunwu(db) -> Township:
    return Township.objects.get(name=SUNWU)


@pytest.fixture
def township_chenqing(db) -> Township:
    return Township.objects.get(name=CHENQING)


def make_user(username: str, role: str | None, township: Township | None = None):
    if role is None:
        return get_user_model().objects.create_user(username=username, password=PASSWORD)
    user, _ = staff_create_or_update(
        actor=system("test"), username=username, role=role, township=township, password=PASSWORD
    )
    return get_user_model().objects.select_related("staff_profile").get(pk=user.pk)


@pytest.fixture
def caseworker_sunwu(township_sunwu):
    return make_user("cw_sunwu", Role.CASEWORKER, township_sunwu)


@pytest.fixture
def caseworker_chenqing(township_chenqing):
    return make_user("cw_chenqing", Role.CASEWORKER, township_chenqing)


@pytest.fixture
def reviewer_sunwu(township_sunwu):
    return make_user("tr_sunwu", Role.TOWNSHIP_REVIEWER, township_sunwu)


@pytest.fixture
def bureau_reviewer(db):
    return make_user("bureau", Role.BUREAU_REVIEWER)


@pytest.fixture
def auditor(db):
    return make_user("auditor", Role.AUDITOR)


@pytest.fixture
def poverty_office(db):
    return make_user("poverty", Role.POVERTY_OFFICE)


@pytest.fixture
def stranger(db):
    """Logged in, but with no role: sees nothing (fail closed)."""
    return make_user("stranger", None)


_sequence = itertools.count(1)


def new_id_number(*, born: str = "19800101", male: bool = True) -> str:
    """A fresh valid ID number born on `born` (YYYYMMDD)."""
    from households.ids import check_code

    n = next(_sequence)
    seq = (n % 499) * 2 + (1 if male else 0)
    first17 = f"231124{born}{seq:03d}"
    return first17 + check_code(first17)


def member_data(**overrides) -> household_services.MemberData:
    values = {"name": "张三", "id_number": new_id_number(), "relationship": "son"}
    values.update(overrides)
    return household_services.MemberData(**values)


@pytest.fixture
def make_household(db):
    """make_household(actor, members=[MemberData, ...], village=None) through the services."""

    def build(actor, *, members=(), village=None, head=None) -> Household:
        village = village or actor.staff_profile.township.villages.order_by("id").first()
        household = household_services.household_create(
            actor=actor,
            village=village,
            address="一组1号",
            hukou_number="123456789",
            head=head or member_data(name="王大山", relationship="head"),
        )
        for data in members:
            household_services.member_add(actor=actor, household=household, data=data)
        return household

    return build


@pytest.fixture
def household_sunwu(make_household, caseworker_sunwu) -> Household:
    return make_household(caseworker_sunwu, members=[member_data(name="王小明", relationship="son")])


@pytest.fixture
def household_chenqing(make_household, caseworker_chenqing) -> Household:
    return make_household(
        caseworker_chenqing, head=member_data(name="李春花", relationship="head", id_number=new_id_number(male=False))
    )


__all__ = ["make_id_number", "member_data", "new_id_number", "make_user", "PASSWORD"]


@pytest.fixture
def caseworker2_sunwu(township_sunwu):
    """A second caseworker of 孙吴镇: household visits need two investigators."""
    return make_user("cw2_sunwu", Role.CASEWORKER, township_sunwu)


def pytest_collection_modifyitems(items) -> None:
    """Transactional tests flush the database; with serialized rollback the migrations' data
    (townships, villages, role groups, standards) comes back for the tests that follow."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            item.add_marker(
                pytest.mark.django_db(*marker.args, **{**marker.kwargs, "serialized_rollback": True}), append=False
            )
        elif marker is None and {"transactional_db", "live_server"} & set(item.fixturenames):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False)


# The case builder walks applications through the workflow; every app's tests may use it.
from tests.builders import bureau_reviewer2, cases  # noqa: E402, F401


class Clock:
    """The system's "today" (`sunwu_relief.clock`: every service, selector, page and task)."""

    def move_to(self, day) -> None:
        from sunwu_relief import clock

        clock.set_today(day)


@pytest.fixture
def clock() -> Iterator[Clock]:
    """Move the date forward after building a case with the real one: `clock.move_to(date)`."""
    from sunwu_relief import clock as system_clock

    yield Clock()
    system_clock.set_today(None)
