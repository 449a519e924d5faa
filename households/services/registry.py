"""Every write to the registry (households and their members): in a transaction, with the actor,
in the audit trail."""

import datetime
from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from sunwu_relief import clock
from sunwu_relief.audit import model_changes, record_event
from sunwu_relief.authz import is_system, require
from sunwu_relief.errors import InvalidInput, OutOfScope, Problem, WorkflowError
from sunwu_relief.roles import Role
from sunwu_relief.text import text_field_errors, validate_plain_text

from ..events import HouseholdEvent
from ..ids import id_facts, validate_id_number
from ..models import Household, Member, MemberMove, Relationship, RemovalReason, Township, Village
from ..names import name_initials
from ..rules import household_version
from ..selectors import households_for, townships_for
from .classification import household_classify
from .ledger_flags import member_ledger_flags_refresh

HOUSEHOLD_FIELDS = ["village", "address", "hukou_number"]


@dataclass
class MemberData:
    name: str
    id_number: str
    relationship: str
    labour_capacity: str = ""
    serious_illness: bool = False
    illness_note: str = ""
    disability_kind: str = ""
    disability_grade: int | None = None
    phone: str = ""


MEMBER_FIELDS = [f.name for f in fields(MemberData)]


REGISTRY_EDITORS = frozenset({Role.CASEWORKER})


def require_registry_editor(actor, *, township_id: int) -> None:
    """Only a caseworker of the township edits its registry. A township the actor cannot see does
    not exist for them (404: another township's caseworker, a user without a role or township);
    a role that sees it but may not edit it is refused (403)."""
    if actor is not None and not is_system(actor) and not townships_for(actor).filter(pk=township_id).exists():
        raise OutOfScope()
    require(
        actor,
        roles=REGISTRY_EDITORS,
        township_id=township_id,
        allow_system=False,
        message=_("Only a township caseworker may change the household registry."),
    )


def _ensure_confirmed(village: Village) -> None:
    if not village.confirmed:
        raise InvalidInput(
            field_errors={"village": [_("This village waits for the county to confirm it.")]},
            code="household.village_unconfirmed",
        )


def _next_number(township: Township) -> str:
    # The township row is locked, so two caseworkers cannot take the same number.
    Township.objects.select_for_update().get(pk=township.pk)
    prefix = township.code
    last = (
        Household.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    )
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:05d}"


def _clean_member(
    data: MemberData, *, actor, member: Member | None = None, household: Household | None = None
) -> tuple[str, dict[str, list[str]]]:
    # Names reach payment rolls and notices: refuse control and bidi characters in every channel.
    errors: dict[str, list[str]] = text_field_errors(name=data.name, illness_note=data.illness_note, phone=data.phone)
    id_number = ""
    try:
        id_number = validate_id_number(data.id_number)
    except ValidationError as exc:
        errors["id_number"] = list(exc.messages)
    if not data.name.strip():
        errors.setdefault("name", []).append(_("The name is required."))
    if id_number:
        other = Member.objects.filter(id_number=id_number).exclude(pk=getattr(member, "pk", None)).first()
        if other is not None and household is not None and other.household_id == household.pk:
            errors["id_number"] = [
                Problem("member.already_in_household", _("This person is already a member of this household."))
            ]
        elif other is not None and households_for(actor).filter(pk=other.household_id).exists():
            errors["id_number"] = [
                Problem(
                    "member.in_other_household",
                    _(
                        "This person is already a member of household %(number)s; move them instead of adding them twice."
                    )
                    % {"number": other.household.number},
                )
            ]
        elif other is not None:
            # Outside the actor's scope: say that the person is registered, not where (no scope leak).
            errors["id_number"] = [
                _("This person is already registered in a household of another township; ask the county bureau.")
            ]
    if bool(data.disability_kind) != (data.disability_grade is not None):
        errors["disability_grade"] = [_("Give both the disability kind and its grade, or neither.")]
    if data.relationship not in Relationship.values:
        errors["relationship"] = [_("Unknown relationship.")]
    return id_number, errors


def _check_one_head(household: Household, relationship: str, member: Member | None) -> None:
    if relationship != Relationship.HEAD:
        return
    heads = household.members.filter(relationship=Relationship.HEAD).exclude(pk=getattr(member, "pk", None))
    if heads.exists():
        raise InvalidInput(field_errors={"relationship": [_("This household already has a head.")]})


def _apply_member(member: Member, data: MemberData, id_number: str) -> None:
    for name in MEMBER_FIELDS:
        setattr(member, name, getattr(data, name))
    member.name = data.name.strip()
    member.id_number = id_number
    facts = id_facts(id_number)
    member.sex = facts.sex
    member.birth_date = facts.birth_date
    member.name_initials = name_initials(member.name)


@transaction.atomic
def household_create(*, actor, village: Village, address: str, hukou_number: str, head: MemberData) -> Household:
    """A new household with its head."""
    require_registry_editor(actor, township_id=village.township_id)
    _ensure_confirmed(village)
    head.relationship = Relationship.HEAD
    id_number, errors = _clean_member(head, actor=actor)
    errors = {f"head_{k}": v for k, v in errors.items()}
    errors.update(text_field_errors(address=address, hukou_number=hukou_number))
    if errors:
        raise InvalidInput(field_errors=errors)
    household = Household(
        number=_next_number(village.township),
        township=village.township,
        village=village,
        address=address.strip(),
        hukou_number=hukou_number.strip(),
    )
    household._history_user = actor
    household.save()
    member = Member(household=household)
    _apply_member(member, head, id_number)
    member._history_user = actor
    _save_member(member)
    record_event(actor=actor, action=HouseholdEvent.HOUSEHOLD_CREATE, obj=household, head=member.pk)
    household_classify(actor=actor, household=household)
    return household


@transaction.atomic
def household_update(
    *,
    actor,
    household: Household,
    village: Village,
    address: str,
    hukou_number: str,
    seen_version: str | None = None,
) -> Household:
    """Change the household's particulars. `seen_version` (`rules.household_version` when the editor
    opened the form): when someone saved the household in between, the change is refused
    (`household.changed_meanwhile`, 409) instead of silently overwriting theirs."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    require_registry_editor(actor, township_id=household.township_id)
    if seen_version is not None and seen_version != household_version(household):
        raise WorkflowError(
            _("Someone else saved this household after you opened it. Reload the page and make your change again."),
            code="household.changed_meanwhile",
        )
    if village.township_id != household.township_id:
        raise InvalidInput(field_errors={"village": [_("The village must belong to the household's township.")]})
    if village.pk != household.village_id:
        _ensure_confirmed(village)
    if errors := text_field_errors(address=address, hukou_number=hukou_number):
        raise InvalidInput(field_errors=errors)
    old = {name: getattr(household, name) for name in HOUSEHOLD_FIELDS}
    household.village = village
    household.address = address.strip()
    household.hukou_number = hukou_number.strip()
    changes = model_changes(household, HOUSEHOLD_FIELDS, old)
    if not changes:
        return household
    household._history_user = actor
    household.save()
    record_event(actor=actor, action=HouseholdEvent.HOUSEHOLD_UPDATE, obj=household, changes=changes)
    return household


def _save_member(member: Member) -> None:
    """Save a new or changed member, its ledger flag with it (the ID number may be new)."""
    try:
        with transaction.atomic():
            member.save()
            member_ledger_flags_refresh(id_numbers=[member.id_number])
    except IntegrityError as exc:
        # A concurrent insert of the same person, or of a second head, lands here.
        raise InvalidInput(
            field_errors={
                "id_number": [
                    _("This person or this household's head was recorded at the same moment; reload and check.")
                ]
            }
        ) from exc


@transaction.atomic
def member_add(*, actor, household: Household, data: MemberData) -> Member:
    household = Household.objects.select_for_update().get(pk=household.pk)
    require_registry_editor(actor, township_id=household.township_id)
    id_number, errors = _clean_member(data, actor=actor, household=household)
    if errors:
        raise InvalidInput(field_errors=errors, problems=_problems(errors))
    _check_one_head(household, data.relationship, None)
    member = Member(household=household)
    _apply_member(member, data, id_number)
    member._history_user = actor
    _save_member(member)
    record_event(
        actor=actor,
        action=HouseholdEvent.MEMBER_ADD,
        obj=member,
        township_id=household.township_id,
        household=household.pk,
    )
    household_classify(actor=actor, household=household)
    return member


@transaction.atomic
def member_update(*, actor, member: Member, data: MemberData) -> Member:
    member = Member.objects.select_for_update().select_related("household").get(pk=member.pk)
    require_registry_editor(actor, township_id=member.household.township_id)
    id_number, errors = _clean_member(data, actor=actor, member=member)
    if errors:
        raise InvalidInput(field_errors=errors)
    _check_one_head(member.household, data.relationship, member)
    tracked = [*MEMBER_FIELDS, "sex", "birth_date"]
    old = {name: getattr(member, name) for name in tracked}
    _apply_member(member, data, id_number)
    changes = model_changes(member, tracked, old)
    if not changes:
        return member
    member._history_user = actor
    _save_member(member)
    record_event(
        actor=actor,
        action=HouseholdEvent.MEMBER_UPDATE,
        obj=member,
        township_id=member.household.township_id,
        changes=_redact(changes),
    )
    household_classify(actor=actor, household=member.household)
    return member


@transaction.atomic
def member_move(*, actor, member: Member, to_household: Household, relationship: str, reason: str) -> MemberMove:
    """Move a person to another household of the same township, recording why."""
    member = Member.objects.select_for_update().select_related("household").get(pk=member.pk)
    require_registry_editor(actor, township_id=member.household.township_id)
    require_registry_editor(actor, township_id=to_household.township_id)
    if not reason.strip():
        raise InvalidInput(field_errors={"reason": [_("Give the reason for the move.")]})
    if relationship not in Relationship.values:
        raise InvalidInput(field_errors={"relationship": [_("Unknown relationship.")]})
    if to_household.pk == member.household_id:
        raise InvalidInput(field_errors={"to_household": [_("The person is already in this household.")]})
    if member.relationship == Relationship.HEAD and member.household.members.count() > 1:
        raise InvalidInput(field_errors={"to_household": [_("Name another head of the old household first.")]})
    _check_one_head(to_household, relationship, member)
    move = MemberMove.objects.create(
        member=member, from_household=member.household, to_household=to_household, reason=reason.strip(), actor=actor
    )
    member.household = to_household
    member.relationship = relationship
    member._history_user = actor
    _save_member(member)
    record_event(
        actor=actor,
        action=HouseholdEvent.MEMBER_MOVE,
        obj=member,
        township_id=to_household.township_id,
        from_household=move.from_household_id,
        to_household=to_household.pk,
        reason=move.reason,
    )
    # Both households changed: each is classified anew (docs/rules.md), and their assistance re-verified.
    household_classify(actor=actor, household=move.from_household)
    household_classify(actor=actor, household=to_household)
    transaction.on_commit(lambda: member_moved.send(sender=Member, move=move, actor=actor))
    return move


def _problems(errors: dict[str, list[str]]) -> list[Problem]:
    return [message for messages in errors.values() for message in messages if isinstance(message, Problem)]


# Sent after commit when a member was removed (`member`) or moved (`move`): a household that loses
# or gains a member must have its assistance re-verified; `benefits` connects its reviews here.
member_removed = Signal()
member_moved = Signal()


@transaction.atomic
def member_remove(*, actor, member: Member, reason: str, removed_on: datetime.date, note: str = "") -> Member:
    """Take a person off the household (death, marriage out, moved away), dated; the row, its
    history and everything that refers to it stay. Moving within the county is `member_move`."""
    member = Member.all_objects.select_for_update().select_related("household").get(pk=member.pk)
    require_registry_editor(actor, township_id=member.household.township_id)
    if member.removed_on is not None:
        return member  # removed already: a double submit does nothing
    errors: dict[str, list[str]] = {}
    if reason not in RemovalReason.values:
        errors["reason"] = [Problem("member.removal_reason", _("Choose the reason for the removal."))]
    if removed_on > clock.today():
        errors["removed_on"] = [Problem("member.removal_future", _("The date cannot be in the future."))]
    try:
        validate_plain_text(note)
    except ValidationError as exc:
        errors["note"] = list(exc.messages)
    others = member.household.members.exclude(pk=member.pk)
    if member.relationship == Relationship.HEAD and others.exists():
        errors["reason"] = [
            Problem("member.removal_head", _("Name another head of the household first, then remove this person."))
        ]
    if errors:
        raise InvalidInput(field_errors=errors, problems=_problems(errors))
    member.removed_on = removed_on
    member.removal_reason = reason
    member.removal_note = note.strip()
    member._history_user = actor
    member.save(update_fields=["removed_on", "removal_reason", "removal_note", "updated"])
    household = member.household
    record_event(
        actor=actor,
        action=HouseholdEvent.MEMBER_REMOVE,
        obj=member,
        township_id=household.township_id,
        household=household.pk,
        reason=reason,
        removed_on=removed_on.isoformat(),
        # The household's assistance must be re-verified after a member leaves.
        reverification_required=True,
    )
    household_classify(actor=actor, household=household)
    transaction.on_commit(lambda: member_removed.send(sender=Member, member=member, actor=actor))
    return member


def _redact(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The audit trail keeps that a sensitive field changed, not its values (history keeps those)."""
    # Sex and birth date are derived from the ID number: their values would reveal its digits.
    sensitive = {
        "id_number",
        "sex",
        "birth_date",
        "illness_note",
        "serious_illness",
        "disability_kind",
        "disability_grade",
        "phone",
    }
    return {k: (["***", "***"] if k in sensitive else v) for k, v in changes.items()}
