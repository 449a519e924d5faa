"""Benefits, their decisions (`BenefitChange`) and the 特困 stop notices."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households.models import Classification, Household
from sunwu_relief import clock

from .applications import Application, ReasonCode
from .standards import Programme


def decision_order(decision) -> tuple:
    """The order decisions take effect in: by effective month, then as decided."""
    return (decision.effective_month, decision.created, decision.pk)


def decision_in_force(decisions: list, month: datetime.date):
    """Of `decisions` in `decision_order`, the one in force in `month`: the last decided of those
    effective by then; None before the first. The one rule of every channel, over model rows or
    over plain rows with the same attributes (`benefits.selectors.decision_states`)."""
    month = month.replace(day=1)
    found = None
    for decision in decisions:
        if decision.effective_month > month:
            break
        found = decision
    return found


def shown_month(decisions: list, *, current: datetime.date | None = None) -> datetime.date:
    """The month "now" stands for: this month (`current`, read once by callers over many
    benefits); before the start month, the benefit's first month."""
    return max(current or clock.current_month(), decisions[0].effective_month)


class BenefitStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PHASING_OUT = "phasing_out", _("Phasing out (渐退)")
    SUSPENDED = "suspended", _("Suspended")
    STOPPED = "stopped", _("Stopped")


# The one definition of a benefit's state across apps: covered (and paid) while active or phasing
# out; running (the household has it, 不重复享受) also while suspended. Import these; keep no copies.
COVERED_STATUSES = frozenset({BenefitStatus.ACTIVE, BenefitStatus.PHASING_OUT})
RUNNING_STATUSES = frozenset({*COVERED_STATUSES, BenefitStatus.SUSPENDED})


class Benefit(models.Model):
    """An approved (or migrated) benefit of a household. Its amount and status of any month are
    those of its decision in force that month (`BenefitChange`, see benefits/DECISIONS.md);
    `status` is kept equal to this month's decision by the services (and the daily task)."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="benefits", verbose_name=_("household")
    )
    township_id = models.IntegerField(_("township"), db_index=True)
    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=BenefitStatus.choices, default=BenefitStatus.ACTIVE, editable=False
    )
    classification = models.CharField(_("classification"), max_length=16, choices=Classification.choices, blank=True)
    # The numbers of the first decision (each decision keeps its own snapshot).
    standard_snapshot = models.JSONField(_("standard used"), default=dict, blank=True)
    covered_members = models.ManyToManyField(
        "households.Member", related_name="benefits_covering", verbose_name=_("covered members")
    )
    covered_count = models.PositiveSmallIntegerField(_("covered persons"))
    start_month = models.DateField(_("start month"))
    end_month = models.DateField(_("end month"), null=True, blank=True)
    phase_out_until = models.DateField(_("phase-out until"), null=True, blank=True)
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="benefit"
    )
    migrated = models.BooleanField(_("migrated from a legacy roll"), default=False, editable=False)
    migration_source = models.CharField(_("migration source"), max_length=200, blank=True, editable=False)
    next_review_due = models.DateField(_("re-verification due"), null=True, blank=True, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        ordering = ["-start_month", "-id"]
        constraints = [
            # One running benefit of a programme per household (按户施保); 特困 supports persons,
            # so two members may each have one (one per person is the services' guard).
            models.UniqueConstraint(
                fields=["household", "programme"],
                condition=Q(status__in=["active", "phasing_out", "suspended"]) & ~Q(programme="tekun"),
                name="benefit_one_running_per_household_programme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} · {self.household} · {self.start_month:%Y-%m}"

    # The decision in force: one rule for every channel (page, admin, API, roll, payments).
    # Read through the `changes` relation, so that a prefetch of `changes` answers it for lists.

    def decisions(self) -> list["BenefitChange"]:
        """Every decision in the order they take effect: by effective month, then as decided
        (lists of many benefits read plain rows instead: `benefits.states`)."""
        return sorted(self.changes.all(), key=decision_order)

    def decision_in(self, month: datetime.date) -> "BenefitChange | None":
        """The decision in force in `month`: the last decided of those effective by then; None
        before the benefit starts."""
        return decision_in_force(self.decisions(), month)

    def _shown_month(self, decisions: list["BenefitChange"]) -> datetime.date:
        return shown_month(decisions)

    @property
    def current_decision(self) -> "BenefitChange | None":
        """This month's decision; before the start month, the start month's (what will be paid)."""
        decisions = self.decisions()
        return decision_in_force(decisions, shown_month(decisions)) if decisions else None

    @property
    def next_decision(self) -> "BenefitChange | None":
        """The decision already taken for a later month (the first month that changes)."""
        decisions = self.decisions()
        if not decisions:
            return None
        month = self._shown_month(decisions)
        later = [d for d in decisions if d.effective_month > month]
        return self.decision_in(later[0].effective_month) if later else None

    @property
    def current_state(self) -> tuple[str, Decimal]:
        """(status, amount) of this month's decision, read once; without a decision, the
        benefit's own status and nothing paid."""
        decision = self.current_decision
        if decision is None:
            return self.status, Decimal("0")
        return decision.new_status, decision.new_amount

    @property
    def monthly_amount(self) -> Decimal:
        return self.current_state[1]

    @property
    def amount_explanation(self) -> str:
        decision = self.current_decision
        return decision.explanation if decision is not None else ""

    @property
    def current_status(self) -> str:
        return self.current_state[0]

    def get_current_status_display(self) -> str:
        return BenefitStatus(self.current_status).label


class ManualReason(models.TextChoices):
    """Why an amount is set by hand instead of by the rules (an exception, approved by the county)."""

    SPECIAL_HARDSHIP = "special_hardship", _("Special hardship not covered by the rules")
    REVIEW_DECISION = "review_decision", _("Set by an administrative review or a court")
    LEGACY_CORRECTION = "legacy_correction", _("Correction of a migrated amount")
    OTHER = "other", _("Other exception, explained")


class BenefitChange(models.Model):
    """One decision on a benefit (有进有出、有升有降): from its effective month, this status and
    amount, until a later decision. The first decision (grant) is the approval or the migration.

    Append-only: a decision is never edited; a later one replaces it from its own month, and a
    standard change re-states the decisions it affects (`supersedes`)."""

    class Kind(models.TextChoices):
        GRANT = "grant", _("Granted")
        RAISE = "raise", _("Raise")
        LOWER = "lower", _("Lower")
        SUSPEND = "suspend", _("Suspend")
        RESUME = "resume", _("Resume")
        PHASE_OUT = "phase_out", _("Phase out (渐退)")
        STOP = "stop", _("Stop")
        RECOMPUTE = "recompute", _("Recomputed for a new standard")

    class Basis(models.TextChoices):
        """Where the amount comes from."""

        ASSESSMENT = "assessment", _("Computed by the rules from an assessment")
        MANUAL = "manual", _("Manual adjustment")
        LEGACY = "legacy", _("Amount of a legacy roll")

    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    effective_month = models.DateField(_("effective month"))
    old_status = models.CharField(max_length=16, choices=BenefitStatus.choices, blank=True)
    new_status = models.CharField(max_length=16, choices=BenefitStatus.choices)
    old_amount = models.DecimalField(max_digits=10, decimal_places=2)
    new_amount = models.DecimalField(max_digits=10, decimal_places=2)
    explanation = models.TextField(_("explanation"), blank=True)
    basis = models.CharField(_("amount basis"), max_length=16, choices=Basis.choices, default=Basis.ASSESSMENT)
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessment the amount rests on"),
    )
    manual_reason = models.CharField(
        _("manual adjustment reason"), max_length=32, choices=ManualReason.choices, blank=True
    )
    care_level = models.CharField(_("self-care ability"), max_length=16, blank=True)
    standard_snapshot = models.JSONField(_("standard used"), default=dict, blank=True)
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("re-states")
    )
    # Set by bulk work (a standard's recompute) so that running it twice decides nothing twice.
    source_key = models.CharField(max_length=64, blank=True, editable=False)
    reason_code = models.CharField(_("reason"), max_length=32, choices=ReasonCode.choices, blank=True)
    reason = models.TextField(_("reason text"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["effective_month", "created", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(new_amount__gte=0), name="benefit_decision_amount_not_negative"),
            models.UniqueConstraint(
                fields=["benefit", "source_key", "effective_month"],
                condition=~Q(source_key=""),
                name="benefit_decision_once_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_month:%Y-%m} {self.new_amount}"


class StopNotice(models.Model):
    """The public notice of a proposed stop of 特困 support (特困人员认定办法: 7 days in the village
    before the stop is decided). Shows the same fields as an application's notice."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Under public notice")
        DONE = "done", _("Stop decided")
        CANCELLED = "cancelled", _("Withdrawn")

    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="stop_notices")
    township_id = models.IntegerField(db_index=True)
    village_id = models.IntegerField(db_index=True)
    person_name = models.CharField(_("person"), max_length=64)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason_code = models.CharField(_("reason"), max_length=32, choices=ReasonCode.choices)
    reason = models.TextField(_("reason text"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    change = models.OneToOneField(
        BenefitChange, on_delete=models.PROTECT, null=True, blank=True, related_name="stop_notice"
    )
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("特困 stop notice")
        verbose_name_plural = _("特困 stop notices")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["benefit"], condition=Q(status="running"), name="stop_notice_one_running_per_benefit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on}–{self.ends_on} {self.person_name}"
