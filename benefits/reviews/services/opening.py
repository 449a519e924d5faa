"""Opening re-verifications: by the daily run, an event on the household, a person, a campaign."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import Household, Township
from sunwu_relief import clock
from sunwu_relief.audit import record_event_rows
from sunwu_relief.authz import is_system, require, user_or_none
from sunwu_relief.errors import InvalidInput, WorkflowError
from sunwu_relief.jobs import job_fan_out
from sunwu_relief.models import Job
from sunwu_relief.roles import Role
from sunwu_relief.rows import insert_rows, json_value, update_rows

from ... import rules
from ...hooks import review_sources
from ...models import COVERED_STATUSES, Benefit, BenefitStatus
from ...models.benefits import decision_in_force, shown_month
from ...states import decisions_by_benefit
from ..events import ReviewEvent
from ..models import (
    MANUAL_REASONS,
    PRIORITY_REASONS,
    UNFINISHED_REVIEW_STATUSES,
    Campaign,
    Review,
    ReviewReason,
    ReviewStatus,
)
from .common import (
    OPEN_ROLES,
    REVIEWED_PROGRAMMES,
    _complete_by,
    _CompleteBy,
    _event,
    _plain,
    _problem,
    _refuse,
)

REVERIFICATION_JOB = "reverification"
# The fields of the reviews the daily run opens, in the order of its rows (the others: defaults).
OPENED_FIELDS = (
    "benefit",
    "household",
    "township_id",
    "reason",
    "reasons",
    "priority",
    "due_on",
    "complete_by",
    "opened_by",
    "opened",
)

# Opening -----------------------------------------------------------------------------------------


@transaction.atomic
def review_open(
    *,
    actor,
    benefit: Benefit,
    reason: str,
    note: str = "",
    due_on: datetime.date | None = None,
    campaign: Campaign | None = None,
) -> tuple[Review, bool]:
    """Open the benefit's re-verification for `reason`, or add the reason to the one already open
    (one per benefit). Returns the review and whether it was opened now. People open one for a
    reported or found change or a complaint, with a note; the bureau a campaign's checks (its
    launch); the system for every reason."""
    require(actor, roles=OPEN_ROLES, township_id=benefit.township_id, allow_system=True)
    by_person = not is_system(actor)
    campaign_check = reason == ReviewReason.CAMPAIGN and campaign is not None
    if reason not in ReviewReason.values or (by_person and reason not in MANUAL_REASONS and not campaign_check):
        raise InvalidInput(
            field_errors={"reason": [_problem("review.reason", _("Choose why the assistance is re-verified."))]},
            code="review.reason",
        )
    note = _plain(note, "note")
    if not is_system(actor) and not note:
        raise InvalidInput(
            field_errors={"note": [_problem("review.note_required", _("Say what was reported or found."))]},
            code="review.note_required",
        )
    benefit = Benefit.objects.select_for_update().get(pk=benefit.pk)
    today = clock.today()
    upcoming = benefit.decision_in(rules.next_month(today))
    if (
        benefit.programme not in REVIEWED_PROGRAMMES
        or benefit.current_status not in COVERED_STATUSES
        or (upcoming is not None and upcoming.new_status not in COVERED_STATUSES)
    ):
        # Not covered, or a suspension or stop already decided from next month.
        raise _refuse("review.benefit_not_running", _("Only a running 低保 benefit is re-verified."))
    due_on = due_on or today
    entry = {"code": reason, "note": note, "on": today.isoformat()}
    current = benefit.reviews.filter(status__in=UNFINISHED_REVIEW_STATUSES).first()
    if current is not None:
        known = {(item["code"], item.get("note", "")) for item in current.reasons}
        if (reason, note) in known and (campaign is None or current.campaign_id == campaign.pk):
            return current, False
        current.reasons = [*current.reasons, entry]
        current.priority = current.priority or reason in PRIORITY_REASONS
        fields = ["reasons", "priority"]
        if campaign is not None and current.campaign_id is None:
            current.campaign = campaign
            fields.append("campaign")
        current.save(update_fields=fields)
        _event(current, ReviewEvent.REASON_ADD, actor=actor, reason=reason)
        return current, False
    review = Review.objects.create(
        benefit=benefit,
        household_id=benefit.household_id,
        township_id=benefit.township_id,
        reason=reason,
        reasons=[entry],
        priority=reason in PRIORITY_REASONS,
        due_on=due_on,
        complete_by=_complete_by(max(due_on, today) if reason != ReviewReason.SCHEDULED else due_on, benefit),
        campaign=campaign,
        opened_by=user_or_none(actor),
    )
    _event(review, ReviewEvent.OPEN, actor=actor, reason=reason, benefit=benefit.pk, due_on=due_on.isoformat())
    return review, True


@transaction.atomic
def reviews_open_due(
    *, actor, on: datetime.date | None = None, township_id: int | None = None
) -> dict[int, dict[str, int]]:
    """The daily run (and `run_reverification`): open every re-verification due by `on` — running
    低保 benefits whose next review is due (a migrated one at once), and the households the apps
    above name (an upheld complaint, an out-of-poverty declaration). Once each: a benefit whose
    review is open counts as already open. `township_id`: that township's only (one part of the
    run split by township, `reviews_open_due_start`). Returns {township_id: {"opened": n,
    "already_open": m}}.

    The due benefits set-based (what `review_open` does for one, for all of them at once): one
    locking read of the due benefits, one read of their decisions and one of their reviews, one
    insert of the reviews and one of their audit events, however many fall due."""
    require(actor, allow_system=True, roles=(Role.BUREAU_REVIEWER,))
    on = on or clock.today()
    counts: dict[int, dict[str, int]] = {}

    def count(township: int, opened: bool) -> None:
        row = counts.setdefault(township, {"opened": 0, "already_open": 0})
        row["opened" if opened else "already_open"] += 1

    due = Benefit.objects.filter(
        programme__in=REVIEWED_PROGRAMMES, status=BenefitStatus.ACTIVE, next_review_due__lte=on
    )
    if township_id is not None:
        due = due.filter(township_id=township_id)
    # Locked as `review_open` locks one (in the order of their ids), then taken in the run's order.
    benefits = sorted(
        due.select_for_update()
        .order_by("pk")
        .values_list("township_id", "next_review_due", "pk", "household_id", "programme", "migrated", "status"),
    )
    _open_due(actor, benefits, due, count)
    named = [
        (household.pk, reason, note)
        for source in review_sources()
        for household, reason, note in source(on)
        if township_id is None or household.township_id == township_id
    ]
    _open_for_households(actor, named, count)
    return counts


def _still_running(decisions: list, status: str, this_month: datetime.date, upcoming_month: datetime.date) -> bool:
    """`Benefit.current_status` covered and no stop or suspension decided from next month
    (`decision_in(next month)`), over a benefit's plain decision rows (`decisions_by_benefit`)."""
    current = (
        decision_in_force(decisions, shown_month(decisions, current=this_month)).new_status if decisions else status
    )
    upcoming = decision_in_force(decisions, upcoming_month)
    return current in COVERED_STATUSES and (upcoming is None or upcoming.new_status in COVERED_STATUSES)


def _open_for_households(actor, named: list[tuple[int, str, str]], count) -> None:
    """The reviews of the households the sources name, (household id, reason, note) each, as
    `review_open_if_running` opens or extends one for each of their running re-verified benefits,
    set-based: one locking read of the benefits, one of their decisions, one of their unfinished
    reviews; then one insert of the new reviews, one update of those given a reason (per 1,000), one
    insert of each kind of event. A household named again the next day with a review already open for the same
    reason costs nothing but those reads (a county's 9,000 out-of-poverty findings every day)."""
    if not named:
        return
    reasons_of: dict[int, list[tuple[str, str]]] = {}
    for household, reason, note in named:
        reasons_of.setdefault(household, []).append((reason, _plain(note, "note")))
    running = Benefit.objects.filter(
        household_id__in=list(reasons_of), programme__in=REVIEWED_PROGRAMMES, status__in=COVERED_STATUSES
    )
    benefits = list(
        running.select_for_update()
        .order_by("pk")
        .values_list("pk", "household_id", "township_id", "programme", "status")
    )
    if not benefits:
        return
    decisions = {pk: rows for pk, _start, rows in decisions_by_benefit(running)}
    current = {
        benefit: [pk, reasons, priority, False]
        for benefit, pk, reasons, priority in Review.objects.filter(
            status__in=UNFINISHED_REVIEW_STATUSES, benefit__in=running.values("pk")
        ).values_list("benefit_id", "pk", "reasons", "priority")
    }
    today, now = clock.today(), timezone.now()
    this_month, upcoming_month = clock.current_month(), rules.next_month(today)
    opened_by = getattr(user_or_none(actor), "pk", None)
    new: dict[int, dict] = {}  # benefit id: the review opened now (reasons may be added to it below)
    added: list[tuple[int, str]] = []  # (benefit id, reason) of each reason added to a review
    for pk, household, township, programme, status in benefits:
        if not _still_running(decisions.get(pk, []), status, this_month, upcoming_month):
            continue  # a stop or a suspension already decided from next month
        for reason, note in reasons_of[household]:
            entry = {"code": reason, "note": note, "on": today.isoformat()}
            review = current.get(pk) or new.get(pk)
            if review is None:
                new[pk] = {
                    "row": [pk, household, township, reason, [entry], reason in PRIORITY_REASONS, today, programme],
                    "township": township,
                }
                count(township, True)
                continue
            reasons = review[1] if pk in current else review["row"][4]
            if (reason, note) in {(item["code"], item.get("note", "")) for item in reasons}:
                count(township, False)
                continue
            reasons.append(entry)
            if pk in current:
                review[2] = review[2] or reason in PRIORITY_REASONS
                review[3] = True  # changed: saved below
            else:
                review["row"][5] = review["row"][5] or reason in PRIORITY_REASONS
            added.append((pk, reason))
            count(township, False)
    complete_by_of = _CompleteBy()
    rows = []
    for pk, household, township, reason, reasons, priority, due_on, programme in (v["row"] for v in new.values()):
        complete_by = complete_by_of(programme, due_on)
        rows.append(
            (pk, household, township, reason, json_value(reasons), priority, due_on, complete_by, opened_by, now)
        )
    ids = insert_rows(Review, OPENED_FIELDS, rows, returning=True)
    review_of = dict(zip(new, ids, strict=True))
    extended = [
        (benefit, review, reasons, priority)
        for benefit, (review, reasons, priority, changed) in current.items()
        if changed
    ]
    # One statement per 1,000 (a review opened by this run's schedule, named the same day).
    update_rows(
        Review,
        ["reasons", "priority"],
        [(review, json_value(reasons), priority) for _b, review, reasons, priority in extended],
    )
    review_of.update((benefit, review) for benefit, review, _reasons, _priority in extended)
    township_of = {pk: township for pk, _household, township, _programme, _status in benefits}
    record_event_rows(
        actor=actor,
        action=ReviewEvent.OPEN,
        model=Review,
        rows=[
            (review_of[pk], v["township"], {"reason": v["row"][3], "benefit": pk, "due_on": today.isoformat()})
            for pk, v in new.items()
        ],
    )
    record_event_rows(
        actor=actor,
        action=ReviewEvent.REASON_ADD,
        model=Review,
        rows=[(review_of[pk], township_of[pk], {"reason": reason}) for pk, reason in added],
    )


def _open_due(actor, benefits: list[tuple], due, count) -> None:
    """The scheduled (and migrated) reviews of the due `benefits` (locked rows of `due`), as
    `review_open` opens each: the same checks, rows and events."""
    if not benefits:
        return
    unfinished = set(
        Review.objects.filter(status__in=UNFINISHED_REVIEW_STATUSES, benefit__in=due.values("pk")).values_list(
            "benefit_id", flat=True
        )
    )
    reviewed = set(
        Review.objects.filter(status=ReviewStatus.DECIDED, benefit__in=due.values("pk")).values_list(
            "benefit_id", flat=True
        )
    )
    decisions = {pk: rows for pk, _start, rows in decisions_by_benefit(due)}
    today, now = clock.today(), timezone.now()
    this_month, upcoming_month = clock.current_month(), rules.next_month(today)
    opened_by = getattr(user_or_none(actor), "pk", None)
    complete_by_of = _CompleteBy()
    rows, events = [], []
    for township, next_due, pk, household, programme, migrated, status in benefits:
        if pk in unfinished:
            count(township, False)
            continue
        if not _still_running(decisions.get(pk, []), status, this_month, upcoming_month):
            continue  # a stop or a suspension already decided from next month: `review_open_if_running`
        reason = ReviewReason.MIGRATED if migrated and pk not in reviewed else ReviewReason.SCHEDULED
        start = max(next_due, today) if reason != ReviewReason.SCHEDULED else next_due
        entry = {"code": reason, "note": "", "on": today.isoformat()}
        rows.append(
            (
                pk,
                household,
                township,
                reason,
                json_value([entry]),
                reason in PRIORITY_REASONS,
                next_due,
                complete_by_of(programme, start),
                opened_by,
                now,
            )
        )
        events.append((township, {"reason": reason, "benefit": pk, "due_on": next_due.isoformat()}))
    ids = insert_rows(Review, OPENED_FIELDS, rows, returning=True)
    record_event_rows(
        actor=actor,
        action=ReviewEvent.OPEN,
        model=Review,
        rows=[(review, township, detail) for review, (township, detail) in zip(ids, events, strict=True)],
    )
    for township, _detail in events:
        count(township, True)


def reviews_open_due_start(*, actor, on: datetime.date | None = None) -> Job:
    """The daily run split by township: a job whose parts (one per township, run by the workers
    side by side) each open their township's re-verifications due by `on`; the job's counts are
    `reviews_open_due`'s, keyed by township (as text). Each part is idempotent (a review is opened
    once per benefit), so a part whose worker was lost simply runs again."""
    require(actor, allow_system=True, roles=(Role.BUREAU_REVIEWER,))
    on = on or clock.today()
    townships = list(Township.objects.order_by("code").values_list("pk", flat=True))
    return job_fan_out(
        kind=REVERIFICATION_JOB,
        actor=actor,
        township_ids=townships,
        part_task="benefits.tasks.run_reverification_part",
        params={"on": on.isoformat()},
    )


def reviews_open_due_part(part: Job, *, actor) -> tuple[dict, list]:
    """One township's part of `reviews_open_due_start` (its task's work)."""
    on = datetime.date.fromisoformat(part.params["on"])
    counts = reviews_open_due(actor=actor, on=on, township_id=part.township_id)
    return {str(pk): row for pk, row in counts.items()}, []


def running_reviewed_benefits(household: Household):
    return Benefit.objects.filter(
        household=household, programme__in=REVIEWED_PROGRAMMES, status__in=COVERED_STATUSES
    ).order_by("pk")


def review_open_if_running(**kwargs) -> tuple[Review | None, bool]:
    """`review_open`, or (None, False) for a benefit that ends anyway (a stop or a suspension
    already decided from next month): the daily run, events and campaigns skip it."""
    try:
        return review_open(**kwargs)
    except WorkflowError:
        return None, False


def reviews_open_for_household(*, actor, household: Household, reason: str, note: str = "") -> list[Review]:
    """An event on a household (a death, a move, a declaration) opens a review of each of its
    running benefits that are re-verified; none when it has none (or when they end anyway)."""
    opened = (
        review_open_if_running(actor=actor, benefit=benefit, reason=reason, note=note)[0]
        for benefit in running_reviewed_benefits(household)
    )
    return [review for review in opened if review is not None]
