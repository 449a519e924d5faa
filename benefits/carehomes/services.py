"""Writes of 特困 support by place: the bureau's care homes, a person's placement (centralised in a
home, refused when the home is full; or dispersed at home with the carer's signed care agreement),
a move (one placement ends the day the next begins), the end of support by place, and the
self-care assessments that set the care allowance."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from households.models import Member
from households.selectors import members_for
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.authz import require
from sunwu_relief.errors import InvalidInput, OutOfScope, Problem, WorkflowError
from sunwu_relief.roles import Role
from sunwu_relief.text import text_field_errors

from .. import services as benefit_services
from ..models import Programme, Standard
from ..selectors import running_benefits
from .events import CareEvent
from .models import CareHome, CareLevel, LivingLevel, Placement, PlacementEnd, SelfCareAssessment, SupportMode
from .selectors import occupancy
from .standard_review import floor_problem, living_floor, living_level_errors

# Centralised placements are the bureau's (the admin); dispersed support the township's too.
PLACING_ROLES = {
    SupportMode.CENTRALISED: (Role.BUREAU_REVIEWER,),
    SupportMode.DISPERSED: (Role.CASEWORKER, Role.BUREAU_REVIEWER),
}


def _refuse(code: str, message: str) -> WorkflowError:
    return WorkflowError(problems=[Problem(code, message)])


@transaction.atomic
def care_home_save(*, actor, home: CareHome) -> CareHome:
    """The bureau records or edits a home; its beds never below the persons placed there today."""
    require(actor, roles=[Role.BUREAU_REVIEWER], allow_system=False)
    try:
        home.full_clean()
    except ValidationError as exc:
        raise InvalidInput(field_errors=exc.message_dict, code="carehome.invalid") from exc
    if home.pk is not None:
        CareHome.objects.select_for_update().get(pk=home.pk)
        used = occupancy(home, on=clock.today())
        if home.capacity < used:
            raise InvalidInput(
                field_errors={
                    "capacity": [
                        Problem(
                            "carehome.capacity_below_occupancy",
                            _("%(used)s persons live there today: not fewer beds than that.") % {"used": used},
                        )
                    ]
                },
                code="carehome.capacity_below_occupancy",
            )
    home.save()
    record_event(
        actor=actor, action=CareEvent.HOME_SAVE, obj=home, township_id=home.township_id, capacity=home.capacity
    )
    return home


@dataclass(frozen=True)
class PlacementData:
    mode: str
    start_on: datetime.date
    home: CareHome | None = None
    room: str = ""
    carer_name: str = ""
    carer_relation: str = ""
    carer_phone: str = ""
    agreement_signed_on: datetime.date | None = None
    agreement_terms: str = ""


def _supported(member: Member) -> bool:
    return running_benefits().filter(programme=Programme.TEKUN, covered_members=member).exists()


def _placement_problems(data: PlacementData, *, home: CareHome | None) -> list[Problem]:
    problems = []
    if data.mode == SupportMode.CENTRALISED:
        if home is None:
            problems.append(Problem("placement.home_missing", _("Choose the home.")))
        elif not home.active:
            problems.append(Problem("placement.home_inactive", _("This home takes no placements.")))
        elif occupancy(home, on=data.start_on) >= home.capacity:
            problems.append(
                Problem(
                    "placement.home_full",
                    _("%(home)s is full (%(beds)s beds): choose another home.")
                    % {"home": home.name, "beds": home.capacity},
                )
            )
    elif data.mode == SupportMode.DISPERSED:
        if home is not None:
            problems.append(Problem("placement.home_for_dispersed", _("Support at home has no home.")))
        if not data.carer_name.strip():
            problems.append(Problem("placement.carer_missing", _("Name the carer who signs the care agreement.")))
        if data.agreement_signed_on is None:
            problems.append(Problem("placement.agreement_missing", _("The care agreement must be signed first.")))
        elif data.agreement_signed_on > clock.today():
            problems.append(Problem("placement.agreement_future", _("The agreement cannot be signed in the future.")))
    else:
        problems.append(Problem("placement.bad_mode", _("In a home or at home.")))
    return problems


def _text_errors(data: PlacementData) -> dict[str, list[str]]:
    return text_field_errors(
        multiline=("agreement_terms",),
        room=data.room,
        carer_name=data.carer_name,
        carer_relation=data.carer_relation,
        carer_phone=data.carer_phone,
        agreement_terms=data.agreement_terms,
    )


def _create(*, actor, member: Member, data: PlacementData, home: CareHome | None, previous=None) -> Placement:
    dispersed = data.mode == SupportMode.DISPERSED
    return Placement.objects.create(
        member=member,
        township_id=member.household.township_id,
        mode=data.mode,
        home=home,
        room=data.room.strip(),
        carer_name=data.carer_name.strip() if dispersed else "",
        carer_relation=data.carer_relation.strip() if dispersed else "",
        carer_phone=data.carer_phone.strip() if dispersed else "",
        agreement_signed_on=data.agreement_signed_on if dispersed else None,
        agreement_terms=data.agreement_terms.strip() if dispersed else "",
        start_on=data.start_on,
        previous=previous,
        created_by=actor,
    )


def _lock_home(data: PlacementData) -> CareHome | None:
    # One placement into a home at a time: the capacity check and the new row cannot interleave.
    return CareHome.objects.select_for_update().get(pk=data.home.pk) if data.home is not None else None


def _same(placement: Placement, data: PlacementData) -> bool:
    return (
        placement.mode == data.mode
        and placement.home_id == (data.home.pk if data.home else None)
        and placement.start_on == data.start_on
    )


@transaction.atomic
def placement_start(*, actor, member: Member, data: PlacementData) -> Placement:
    """Where a 特困 person is supported from `start_on`: in a home (refused when it is full) or at
    home with a carer. The same placement twice (a double submit) is the first."""
    member = Member.objects.select_for_update().select_related("household").get(pk=member.pk)
    home = _lock_home(data)
    require(actor, roles=PLACING_ROLES.get(data.mode, ()), township_id=member.household.township_id, allow_system=False)
    if not members_for(actor).filter(pk=member.pk).exists():
        raise OutOfScope()
    current = member.placements.filter(end_on__isnull=True).first()
    if current is not None and _same(current, data):
        return current
    if current is not None:
        raise _refuse("placement.already_placed", _("This person is already placed: record a move instead."))
    if not _supported(member):
        raise _refuse("placement.not_tekun", _("Only a person with running 特困 support is placed."))
    errors = _text_errors(data)
    if errors:
        raise InvalidInput(field_errors=errors, code="placement.invalid")
    problems = _placement_problems(data, home=home)
    if problems:
        raise WorkflowError(problems=problems)
    placement = _create(actor=actor, member=member, data=data, home=home)
    record_event(
        actor=actor, action=CareEvent.PLACEMENT_START, obj=placement, mode=placement.mode, home_id=placement.home_id
    )
    return placement


def _lock_placement(placement: Placement) -> Placement:
    return Placement.objects.select_for_update().select_related("member__household").get(pk=placement.pk)


def _may_change(actor, placement: Placement, *modes: str) -> None:
    # Every mode involved must be the actor's: a township moves no one into or out of a home.
    roles = set.intersection(*(set(PLACING_ROLES.get(mode, ())) for mode in modes))
    require(actor, roles=roles, township_id=placement.township_id, allow_system=False)


@transaction.atomic
def placement_move(*, actor, placement: Placement, data: PlacementData) -> Placement:
    """A move: the current placement ends on `data.start_on` and the next begins that day (to
    another home, within the home, or to support at home and back)."""
    placement = _lock_placement(placement)
    home = _lock_home(data)
    _may_change(actor, placement, placement.mode, data.mode)
    if placement.end_on is not None:
        following = getattr(placement, "next", None)
        if following is not None and _same(following, data):
            return following
        raise _refuse("placement.ended", _("This placement has ended."))
    if data.start_on < placement.start_on:
        raise InvalidInput(
            field_errors={"start_on": [Problem("placement.move_before_start", _("Not before the placement began."))]},
            code="placement.move_before_start",
        )
    errors = _text_errors(data)
    if errors:
        raise InvalidInput(field_errors=errors, code="placement.invalid")
    placement.end_on, placement.end_reason = data.start_on, PlacementEnd.MOVED
    placement.save(update_fields=["end_on", "end_reason"])
    problems = _placement_problems(data, home=home)
    if problems:
        raise WorkflowError(problems=problems)
    moved = _create(actor=actor, member=placement.member, data=data, home=home, previous=placement)
    record_event(
        actor=actor, action=CareEvent.PLACEMENT_MOVE, obj=moved, previous_id=placement.pk, home_id=moved.home_id
    )
    return moved


@transaction.atomic
def placement_end(*, actor, placement: Placement, on: datetime.date, reason: str, note: str = "") -> Placement:
    """Support by place ends (death, leaving, the end of 特困 support); a move is `placement_move`."""
    placement = _lock_placement(placement)
    _may_change(actor, placement, placement.mode)
    if placement.end_on is not None:
        if placement.end_on == on and placement.end_reason == reason:
            return placement
        raise _refuse("placement.ended", _("This placement has ended."))
    errors = text_field_errors(note=note)
    if reason not in PlacementEnd.values or reason == PlacementEnd.MOVED:
        errors["reason"] = [Problem("placement.bad_end_reason", _("Choose why the placement ends."))]
    if not placement.start_on <= on <= clock.today():
        errors["on"] = [Problem("placement.bad_end_date", _("Between the start of the placement and today."))]
    if errors:
        raise InvalidInput(field_errors=errors, code="placement.invalid")
    placement.end_on, placement.end_reason, placement.end_note = on, reason, note.strip()
    placement.save(update_fields=["end_on", "end_reason", "end_note"])
    record_event(actor=actor, action=CareEvent.PLACEMENT_END, obj=placement, reason=reason)
    return placement


@transaction.atomic
def self_care_assess(
    *, actor, member: Member, level: str, assessed_on: datetime.date, assessed_by: str, note: str = ""
) -> SelfCareAssessment:
    """Record an assessment of self-care ability (全自理 / 半失能 / 全失能) with its date; the latest
    one sets the care allowance. The same assessment twice is the first."""
    member = Member.objects.select_for_update().select_related("household").get(pk=member.pk)
    require(
        actor,
        roles=(Role.CASEWORKER, Role.BUREAU_REVIEWER),
        township_id=member.household.township_id,
        allow_system=False,
    )
    if not members_for(actor).filter(pk=member.pk).exists():
        raise OutOfScope()
    existing = member.self_care_assessments.filter(level=level, assessed_on=assessed_on).first()
    if existing is not None:
        return existing
    errors = text_field_errors(multiline=("note",), assessed_by=assessed_by, note=note)
    if level not in CareLevel.values:
        errors["level"] = [Problem("selfcare.bad_level", _("全自理, 半失能 or 全失能."))]
    if assessed_on > clock.today():
        errors["assessed_on"] = [Problem("selfcare.future", _("Not a date in the future."))]
    if not assessed_by.strip():
        errors["assessed_by"] = [Problem("selfcare.assessor_missing", _("Name who assessed."))]
    if errors:
        raise InvalidInput(field_errors=errors, code="selfcare.invalid")
    assessment = SelfCareAssessment.objects.create(
        member=member,
        township_id=member.household.township_id,
        level=level,
        assessed_on=assessed_on,
        assessed_by=assessed_by.strip(),
        note=note.strip(),
        recorded_by=actor,
    )
    record_event(actor=actor, action=CareEvent.SELF_CARE_ASSESS, obj=assessment, level=level, assessed_on=assessed_on)
    return assessment


# The 特困 standard reviewed against the rural living level (the rule: `standard_review`).


@transaction.atomic
def living_level_save(*, actor, level: LivingLevel) -> LivingLevel:
    """The bureau records (or corrects) the living level a standard year is reviewed against."""
    require(actor, roles=[Role.BUREAU_REVIEWER], allow_system=False)
    try:
        level.full_clean(exclude=["recorded_by"])
    except ValidationError as exc:
        raise InvalidInput(field_errors=exc.message_dict, code="living_level.invalid") from exc
    errors = living_level_errors(level)
    if errors:
        raise InvalidInput(field_errors=errors, code="living_level.invalid")
    level.recorded_by = actor
    level.save()
    floor = living_floor(expenditure=level.expenditure, price_index=level.price_index)
    record_event(actor=actor, action=CareEvent.LIVING_LEVEL_SAVE, obj=level, year=level.year, floor=str(floor.value))
    return level


@transaction.atomic
def tekun_standard_set(*, actor, standard: Standard, basic: Decimal) -> Standard:
    """The bureau sets a year's 特困 basic living standard from the review page: refused below the
    recorded living level, otherwise saved by the standards' own service (a new version)."""
    require(actor, roles=[Role.BUREAU_REVIEWER], allow_system=False)
    standard = Standard.objects.select_for_update().get(pk=standard.pk)
    if standard.programme != Programme.TEKUN:
        raise InvalidInput(
            field_errors={"basic": [Problem("standard.not_tekun", _("Only the 特困 standard is reviewed here."))]},
            code="standard.not_tekun",
        )
    standard.tekun_basic = Decimal(basic)
    problem = floor_problem(standard)
    if problem:
        raise InvalidInput(field_errors={"basic": [problem]}, code=problem.code)
    return benefit_services.standard_save(actor=actor, standard=standard)
