"""The registry's write services: scope, roles, the one-household rule, audit and history."""

import pytest
from django.db import IntegrityError, transaction

from households import services
from households.models import Household, Member, MemberMove, Relationship
from sunwu_relief.authz import system
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope
from sunwu_relief.models import AuditEvent
from tests.conftest import member_data, new_id_number


def _create(actor, village, **head):
    return services.household_create(
        actor=actor,
        village=village,
        address=" 三组5号 ",
        hukou_number=" 998877 ",
        head=member_data(relationship="head", **head),
    )


# --- create ---------------------------------------------------------------------------------


def test_caseworker_creates_household_with_its_head_and_a_township_number(caseworker_sunwu, township_sunwu):
    village = township_sunwu.villages.order_by("id").first()
    id_number = new_id_number(born="19650315", male=False)

    household = _create(caseworker_sunwu, village, name=" 赵桂芝 ", id_number=id_number)

    household.refresh_from_db()
    assert household.township == township_sunwu
    assert household.village == village
    assert household.number.startswith(township_sunwu.code)
    assert household.address == "三组5号"
    assert household.hukou_number == "998877"
    head = household.members.get()
    assert head.relationship == Relationship.HEAD
    assert head.name == "赵桂芝"
    # Sex and birth date come from the ID number, pinyin initials from the name.
    assert head.sex == "F"
    assert head.birth_date.isoformat() == "1965-03-15"
    assert head.name_initials == "zgz"


def test_household_numbers_follow_each_other_within_a_township(caseworker_sunwu, township_sunwu):
    village = township_sunwu.villages.first()
    first = _create(caseworker_sunwu, village)
    second = _create(caseworker_sunwu, village)
    prefix = township_sunwu.code
    assert int(second.number.removeprefix(prefix)) == int(first.number.removeprefix(prefix)) + 1


def test_household_create_with_invalid_head_id_writes_nothing(caseworker_sunwu, township_sunwu):
    village = township_sunwu.villages.first()
    good = new_id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")  # wrong check digit
    events_before = AuditEvent.objects.count()

    with pytest.raises(InvalidInput) as exc:
        _create(caseworker_sunwu, village, id_number=bad)

    assert "head_id_number" in exc.value.field_errors
    assert Household.objects.count() == 0
    assert Member.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize("persona", ["reviewer_sunwu", "bureau_reviewer", "auditor", "poverty_office", "stranger"])
def test_only_a_caseworker_may_create_a_household(request, persona, township_sunwu):
    actor = request.getfixturevalue(persona)
    with pytest.raises((NotAllowed, OutOfScope)) as exc:
        _create(actor, township_sunwu.villages.first())
    # Roles that see Sunwu are refused for their role; the stranger sees nothing at all.
    if persona in ("reviewer_sunwu", "bureau_reviewer", "auditor", "poverty_office"):
        assert isinstance(exc.value, NotAllowed)
    assert Household.objects.count() == 0


def test_caseworker_cannot_create_household_in_other_township(caseworker_chenqing, township_sunwu):
    with pytest.raises(OutOfScope):
        _create(caseworker_chenqing, township_sunwu.villages.first())
    assert Household.objects.count() == 0


# --- update ---------------------------------------------------------------------------------


def test_household_update_saves_changes_and_audits_old_and_new(caseworker_sunwu, household_sunwu, township_sunwu):
    old_village = household_sunwu.village
    new_village = township_sunwu.villages.exclude(pk=old_village.pk).first()

    services.household_update(
        actor=caseworker_sunwu, household=household_sunwu, village=new_village, address="新地址", hukou_number="1"
    )

    household_sunwu.refresh_from_db()
    assert household_sunwu.village == new_village
    assert household_sunwu.address == "新地址"
    event = AuditEvent.objects.filter(action="household.update").get()
    assert event.actor == caseworker_sunwu
    assert event.object_id == str(household_sunwu.pk)
    assert event.township_id == township_sunwu.pk
    assert event.detail["changes"]["village"] == [old_village.pk, new_village.pk]
    assert event.detail["changes"]["address"] == ["一组1号", "新地址"]
    latest = household_sunwu.history.latest()
    assert latest.history_type == "~"
    assert latest.history_user == caseworker_sunwu


def test_household_update_without_changes_writes_no_event_and_no_history(caseworker_sunwu, household_sunwu):
    history_before = household_sunwu.history.count()
    services.household_update(
        actor=caseworker_sunwu,
        household=household_sunwu,
        village=household_sunwu.village,
        address=household_sunwu.address,
        hukou_number=household_sunwu.hukou_number,
    )
    assert not AuditEvent.objects.filter(action="household.update").exists()
    assert household_sunwu.history.count() == history_before


def test_household_cannot_move_to_a_village_of_another_township(caseworker_sunwu, household_sunwu, township_chenqing):
    with pytest.raises(InvalidInput) as exc:
        services.household_update(
            actor=caseworker_sunwu,
            household=household_sunwu,
            village=township_chenqing.villages.first(),
            address="",
            hukou_number="",
        )
    assert "village" in exc.value.field_errors


def test_caseworker_of_other_township_cannot_update_household(caseworker_chenqing, household_sunwu):
    with pytest.raises(OutOfScope):
        services.household_update(
            actor=caseworker_chenqing,
            household=household_sunwu,
            village=household_sunwu.village,
            address="改",
            hukou_number="",
        )
    household_sunwu.refresh_from_db()
    assert household_sunwu.address == "一组1号"


@pytest.mark.parametrize("persona", ["reviewer_sunwu", "bureau_reviewer", "auditor", "poverty_office"])
def test_roles_that_see_a_household_but_may_not_edit_get_not_allowed(request, persona, household_sunwu):
    actor = request.getfixturevalue(persona)
    with pytest.raises(NotAllowed):
        services.household_update(
            actor=actor, household=household_sunwu, village=household_sunwu.village, address="改", hukou_number=""
        )


def test_stranger_without_role_gets_out_of_scope(stranger, household_sunwu):
    with pytest.raises(OutOfScope):
        services.member_add(actor=stranger, household=household_sunwu, data=member_data())


def test_caseworker_without_township_sees_nothing(household_sunwu):
    from sunwu_relief.models import StaffProfile
    from tests.conftest import make_user

    user = make_user("cw_nowhere", "caseworker", household_sunwu.township)
    # A township role left without its township (e.g. the township was cleared): fail closed.
    StaffProfile.objects.filter(user=user).update(township=None)
    user.refresh_from_db()
    with pytest.raises(OutOfScope):
        services.member_add(actor=user, household=household_sunwu, data=member_data())


# --- members --------------------------------------------------------------------------------


def test_member_add_records_member_audit_event_and_history_with_actor(caseworker_sunwu, household_sunwu):
    member = services.member_add(
        actor=caseworker_sunwu, household=household_sunwu, data=member_data(name="王小红", relationship="daughter")
    )

    assert member.household == household_sunwu
    event = AuditEvent.objects.get(action="member.add", object_id=str(member.pk))
    assert event.actor == caseworker_sunwu
    assert event.township_id == household_sunwu.township_id
    assert event.detail == {"household": household_sunwu.pk}
    created = member.history.get()
    assert created.history_type == "+"
    assert created.history_user == caseworker_sunwu


def test_household_create_writes_history_for_household_and_head_with_actor(caseworker_sunwu, township_sunwu):
    household = _create(caseworker_sunwu, township_sunwu.villages.first())
    assert household.history.get(history_type="+").history_user == caseworker_sunwu
    assert household.members.get().history.get().history_user == caseworker_sunwu
    event = AuditEvent.objects.get(action="household.create")
    assert event.actor == caseworker_sunwu
    assert event.object_id == str(household.pk)
    assert event.detail == {"head": household.members.get().pk}


def test_person_cannot_be_added_to_a_second_household(caseworker_sunwu, make_household):
    id_number = new_id_number()
    first = make_household(caseworker_sunwu, members=[member_data(id_number=id_number)])
    second = make_household(caseworker_sunwu)

    with pytest.raises(InvalidInput) as exc:
        services.member_add(actor=caseworker_sunwu, household=second, data=member_data(id_number=id_number))

    assert first.number in exc.value.field_errors["id_number"][0]
    assert Member.objects.filter(id_number=id_number).get().household == first


def test_person_already_in_a_household_cannot_head_a_new_one(caseworker_sunwu, household_sunwu, township_sunwu):
    head = household_sunwu.members.get(relationship=Relationship.HEAD)
    with pytest.raises(InvalidInput) as exc:
        _create(caseworker_sunwu, township_sunwu.villages.first(), id_number=head.id_number)
    assert "head_id_number" in exc.value.field_errors
    assert Household.objects.count() == 1


def test_duplicate_person_in_other_township_does_not_reveal_that_households_number(
    caseworker_chenqing, household_sunwu, household_chenqing
):
    son = household_sunwu.members.get(relationship="son")
    with pytest.raises(InvalidInput) as exc:
        services.member_add(
            actor=caseworker_chenqing, household=household_chenqing, data=member_data(id_number=son.id_number)
        )
    message = exc.value.field_errors["id_number"][0]
    assert household_sunwu.number not in message


def test_id_number_is_normalised_before_the_uniqueness_check(caseworker_sunwu, make_household):
    from households.ids import check_code

    first17 = "23112419700101001"
    while check_code(first17) != "X":
        first17 = first17[:14] + f"{int(first17[14:]) + 2:03d}"
    id_number = first17 + "X"
    household = make_household(caseworker_sunwu, members=[member_data(id_number=id_number)])
    with pytest.raises(InvalidInput):
        services.member_add(
            actor=caseworker_sunwu, household=household, data=member_data(id_number=f"  {id_number.lower()} ")
        )


def test_database_refuses_the_same_person_twice(household_sunwu):
    """The constraint itself, not only the service's check."""
    son = household_sunwu.members.get(relationship="son")
    other = Household.objects.create(number="X-1", township=household_sunwu.township, village=household_sunwu.village)
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(
            household=other,
            name="冒名",
            id_number=son.id_number,
            sex="M",
            birth_date=son.birth_date,
            relationship="head",
        )


def test_database_refuses_a_second_head(household_sunwu):
    head = household_sunwu.members.get(relationship="head")
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(
            household=household_sunwu,
            name="另一个户主",
            id_number=new_id_number(),
            sex="M",
            birth_date=head.birth_date,
            relationship="head",
        )


def test_household_has_one_head_only(caseworker_sunwu, household_sunwu):
    with pytest.raises(InvalidInput) as exc:
        services.member_add(actor=caseworker_sunwu, household=household_sunwu, data=member_data(relationship="head"))
    assert "relationship" in exc.value.field_errors
    assert household_sunwu.members.filter(relationship="head").count() == 1


def test_member_cannot_be_made_a_second_head_by_update(caseworker_sunwu, household_sunwu):
    son = household_sunwu.members.get(relationship="son")
    with pytest.raises(InvalidInput):
        services.member_update(
            actor=caseworker_sunwu,
            member=son,
            data=member_data(name=son.name, id_number=son.id_number, relationship="head"),
        )
    son.refresh_from_db()
    assert son.relationship == "son"


def test_unknown_relationship_is_refused(caseworker_sunwu, household_sunwu):
    with pytest.raises(InvalidInput) as exc:
        services.member_add(actor=caseworker_sunwu, household=household_sunwu, data=member_data(relationship="boss"))
    assert "relationship" in exc.value.field_errors


def test_disability_kind_needs_its_grade(caseworker_sunwu, household_sunwu):
    with pytest.raises(InvalidInput) as exc:
        services.member_add(actor=caseworker_sunwu, household=household_sunwu, data=member_data(disability_kind="limb"))
    assert "disability_grade" in exc.value.field_errors


def test_caseworker_of_other_township_cannot_add_or_update_members(caseworker_chenqing, household_sunwu):
    son = household_sunwu.members.get(relationship="son")
    with pytest.raises(OutOfScope):
        services.member_add(actor=caseworker_chenqing, household=household_sunwu, data=member_data())
    with pytest.raises(OutOfScope):
        services.member_update(
            actor=caseworker_chenqing, member=son, data=member_data(name="改名", id_number=son.id_number)
        )
    son.refresh_from_db()
    assert son.name == "王小明"


def test_member_update_audit_redacts_sensitive_values_and_history_keeps_them(caseworker_sunwu, household_sunwu):
    son = household_sunwu.members.get(relationship="son")
    old_id = son.id_number
    new_id = new_id_number(born="19900505")

    services.member_update(
        actor=caseworker_sunwu,
        member=son,
        data=member_data(
            name="王晓明",
            id_number=new_id,
            relationship="son",
            serious_illness=True,
            illness_note="尿毒症",
            disability_kind="limb",
            disability_grade=2,
            phone="13800000000",
        ),
    )

    event = AuditEvent.objects.get(action="member.update")
    assert event.actor == caseworker_sunwu
    changes = event.detail["changes"]
    assert changes["name"] == ["王小明", "王晓明"]
    for field in ("id_number", "serious_illness", "illness_note", "disability_kind", "disability_grade", "phone"):
        assert changes[field] == ["***", "***"], field
    text = str(event.detail)
    for secret in (old_id, new_id, "尿毒症", "13800000000"):
        assert secret not in text
    # The derived birth date would reveal the new ID number's digits: it must not appear either.
    assert "1990-05-05" not in text
    latest = son.history.latest()
    assert latest.history_user == caseworker_sunwu
    assert latest.id_number == new_id
    assert latest.illness_note == "尿毒症"


def test_member_update_without_changes_writes_nothing(caseworker_sunwu, household_sunwu):
    son = household_sunwu.members.get(relationship="son")
    services.member_update(
        actor=caseworker_sunwu,
        member=son,
        data=member_data(name=son.name, id_number=son.id_number, relationship="son"),
    )
    assert not AuditEvent.objects.filter(action="member.update").exists()
    assert son.history.count() == 1


# --- moves ----------------------------------------------------------------------------------


def test_member_move_records_the_reason_actor_and_history(caseworker_sunwu, household_sunwu, make_household):
    target = make_household(caseworker_sunwu)
    son = household_sunwu.members.get(relationship="son")

    move = services.member_move(
        actor=caseworker_sunwu, member=son, to_household=target, relationship="other", reason=" 分户后投靠亲属 "
    )

    son.refresh_from_db()
    assert son.household == target
    assert son.relationship == "other"
    assert MemberMove.objects.get() == move
    assert (move.from_household, move.to_household, move.actor) == (household_sunwu, target, caseworker_sunwu)
    assert move.reason == "分户后投靠亲属"
    event = AuditEvent.objects.get(action="member.move")
    assert event.actor == caseworker_sunwu
    assert event.detail["from_household"] == household_sunwu.pk
    assert event.detail["to_household"] == target.pk
    assert event.detail["reason"] == "分户后投靠亲属"
    latest = son.history.latest()
    assert latest.household_id == target.pk
    assert latest.history_user == caseworker_sunwu


def test_member_move_needs_a_reason(caseworker_sunwu, household_sunwu, make_household):
    target = make_household(caseworker_sunwu)
    son = household_sunwu.members.get(relationship="son")
    with pytest.raises(InvalidInput) as exc:
        services.member_move(actor=caseworker_sunwu, member=son, to_household=target, relationship="son", reason=" ")
    assert "reason" in exc.value.field_errors
    assert not MemberMove.objects.exists()
    son.refresh_from_db()
    assert son.household == household_sunwu


def test_member_move_refuses_an_unknown_relationship(caseworker_sunwu, household_sunwu, make_household):
    target = make_household(caseworker_sunwu)
    son = household_sunwu.members.get(relationship="son")
    with pytest.raises(InvalidInput) as exc:
        services.member_move(actor=caseworker_sunwu, member=son, to_household=target, relationship="boss", reason="x")
    assert "relationship" in exc.value.field_errors
    assert not MemberMove.objects.exists()


def test_member_move_refuses_a_second_head_in_the_new_household(caseworker_sunwu, household_sunwu, make_household):
    target = make_household(caseworker_sunwu)
    son = household_sunwu.members.get(relationship="son")
    with pytest.raises(InvalidInput):
        services.member_move(actor=caseworker_sunwu, member=son, to_household=target, relationship="head", reason="x")
    assert not MemberMove.objects.exists()


def test_head_cannot_leave_a_household_that_keeps_other_members(caseworker_sunwu, household_sunwu, make_household):
    target = make_household(caseworker_sunwu)
    head = household_sunwu.members.get(relationship="head")
    with pytest.raises(InvalidInput):
        services.member_move(actor=caseworker_sunwu, member=head, to_household=target, relationship="other", reason="x")
    head.refresh_from_db()
    assert head.household == household_sunwu


def test_member_cannot_move_to_a_household_of_another_township(caseworker_sunwu, household_sunwu, household_chenqing):
    son = household_sunwu.members.get(relationship="son")
    with pytest.raises(OutOfScope):
        services.member_move(
            actor=caseworker_sunwu, member=son, to_household=household_chenqing, relationship="son", reason="迁出"
        )
    son.refresh_from_db()
    assert son.household == household_sunwu


def test_member_cannot_move_to_the_household_it_is_in(caseworker_sunwu, household_sunwu):
    son = household_sunwu.members.get(relationship="son")
    with pytest.raises(InvalidInput):
        services.member_move(
            actor=caseworker_sunwu, member=son, to_household=household_sunwu, relationship="son", reason="x"
        )


def test_reviewer_cannot_move_members(reviewer_sunwu, caseworker_sunwu, household_sunwu, make_household):
    target = make_household(caseworker_sunwu)
    son = household_sunwu.members.get(relationship="son")
    with pytest.raises(NotAllowed):
        services.member_move(actor=reviewer_sunwu, member=son, to_household=target, relationship="son", reason="x")


# --- search keys ----------------------------------------------------------------------------


def test_refresh_initials_is_idempotent(household_sunwu):
    Member.objects.filter(household=household_sunwu).update(name_initials="")
    assert services.members_refresh_initials(actor=system("test")) == 2
    assert services.members_refresh_initials(actor=system("test")) == 0
    assert set(Member.objects.values_list("name_initials", flat=True)) == {"wds", "wxm"}


def test_surname_override_gives_the_surname_reading():
    from households.names import name_initials

    assert name_initials("曾国藩") == "zgf"
    assert name_initials("单雄信") == "sxx"
    assert name_initials("解放") == "xf"


def test_member_changes_classify_the_household_anew(caseworker_sunwu, household_sunwu):
    household_sunwu.refresh_from_db()
    assert household_sunwu.classification == "general"
    head = household_sunwu.members.get(relationship="head")
    son = household_sunwu.members.get(relationship="son")
    services.member_update(
        actor=caseworker_sunwu,
        member=head,
        data=member_data(name=head.name, id_number=head.id_number, relationship="head", labour_capacity="lost"),
    )
    services.member_update(
        actor=caseworker_sunwu,
        member=son,
        data=member_data(name=son.name, id_number=son.id_number, relationship="son", serious_illness=True),
    )
    household_sunwu.refresh_from_db()
    assert household_sunwu.classification == "long_term"
    services.member_add(
        actor=caseworker_sunwu,
        household=household_sunwu,
        data=member_data(name="王二", relationship="son", id_number=new_id_number(born="19950101")),
    )
    household_sunwu.refresh_from_db()
    assert household_sunwu.classification == "general"
