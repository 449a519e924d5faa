"""临时救助: one-off help, in cash or in kind, for an emergency (急难型) or for necessary spending
beyond the household's means (支出型); a person from outside the county (流动人员) may receive it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunwu_relief.text import validate_multiline_text, validate_plain_text


class TemporaryKind(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency (急难型)")
    EXPENDITURE = "expenditure", _("Necessary spending (支出型)")


class TemporaryCause(models.TextChoices):
    ACCIDENT = "accident", _("Accident")
    ILLNESS = "illness", _("Sudden serious illness")
    DISASTER = "disaster", _("Disaster")
    SPENDING = "spending", _("Necessary spending beyond means")
    OTHER = "other", _("Other")


class TemporaryStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting the township")
    # 支出型 only: the normal steps (investigation of the household's means, township review,
    # public notice) before the decision.
    INVESTIGATING = "investigating", _("Investigating the household's means")
    TOWNSHIP_REVIEW = "township_review", _("Township review")
    PUBLIC_NOTICE = "public_notice", _("Public notice")
    COUNTY_REVIEW = "county_review", _("Awaiting the county (above the township limit)")
    GRANTED = "granted", _("Granted")
    REJECTED = "rejected", _("Rejected")


class GrantForm(models.TextChoices):
    CASH = "cash", _("Cash")
    IN_KIND = "in_kind", _("In kind")


class TemporaryCase(models.Model):
    """One request for temporary assistance and its decision. The person is a member of a
    household in our registry, or — a 流动人员 — recorded with what is known (name at least)."""

    kind = models.CharField(_("kind"), max_length=16, choices=TemporaryKind.choices)
    cause = models.CharField(_("cause"), max_length=16, choices=TemporaryCause.choices)
    township_id = models.IntegerField(_("township"), db_index=True)
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="temporary_cases"
    )
    member = models.ForeignKey(
        "households.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="temporary_cases"
    )
    # What is known of a person without a household in our registry (流动人员).
    person_name = models.CharField(_("name"), max_length=64, validators=[validate_plain_text])
    person_id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    person_origin = models.CharField(_("place of origin"), max_length=100, blank=True, validators=[validate_plain_text])
    person_phone = models.CharField(_("telephone"), max_length=20, blank=True, validators=[validate_plain_text])
    circumstances = models.TextField(_("circumstances"), validators=[validate_multiline_text])
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    form = models.CharField(_("given as"), max_length=8, choices=GrantForm.choices, default=GrantForm.CASH)
    in_kind = models.CharField(_("what was given"), max_length=200, blank=True, validators=[validate_plain_text])
    # 先行救助: granted by the township at once, the remaining steps completed afterwards.
    emergency_grant = models.BooleanField(_("emergency grant (先行救助)"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=TemporaryStatus.choices, default=TemporaryStatus.SUBMITTED, editable=False
    )
    # When the person asked for help (may be before it was recorded); the 48-hour limit of an
    # emergency grant runs from here.
    reported_at = models.DateTimeField(_("requested"), default=timezone.now)
    emergency_deadline = models.DateTimeField(_("emergency grant due by"), null=True, blank=True, editable=False)
    decided_late = models.BooleanField(_("decided after the emergency limit"), default=False, editable=False)
    late_reason = models.TextField(_("reason for the delay"), blank=True, editable=False)
    sent_to_county_at = models.DateTimeField(_("sent to the county"), null=True, blank=True, editable=False)
    notice_starts_on = models.DateField(_("public notice from"), null=True, blank=True, editable=False)
    notice_ends_on = models.DateField(_("public notice until"), null=True, blank=True, editable=False)
    township_opinion = models.TextField(_("township opinion"), blank=True, editable=False)
    county_opinion = models.TextField(_("county opinion"), blank=True, editable=False)
    decided_level = models.CharField(_("decided by"), max_length=8, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    reject_reason = models.TextField(_("reason for refusal"), blank=True, editable=False)
    explanation = models.TextField(_("explanation"), blank=True, editable=False)
    standard_snapshot = models.JSONField(_("standard used"), default=dict, editable=False)
    supplement_due = models.DateField(_("remaining steps due"), null=True, blank=True, editable=False)
    supplement_completed_on = models.DateField(_("remaining steps completed"), null=True, blank=True, editable=False)
    supplement_note = models.TextField(_("remaining steps"), blank=True, editable=False)
    notice_body = models.TextField(_("written notice"), blank=True, editable=False)
    written_notice = models.ForeignKey(
        "benefits.WrittenNotice", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        app_label = "benefits"
        verbose_name = _("temporary assistance case")
        verbose_name_plural = _("temporary assistance cases")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="temporary_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} {self.get_kind_display()} {self.amount}"

    @property
    def transient(self) -> bool:
        return self.household_id is None


class TemporaryStep(models.Model):
    """One step of a case (append-only), for its timeline: what, from and to which status, who,
    when, with what comment."""

    case = models.ForeignKey(TemporaryCase, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from"), max_length=16, choices=TemporaryStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=TemporaryStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    system = models.CharField(_("system"), max_length=64, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        app_label = "benefits"
        verbose_name = _("temporary assistance step")
        verbose_name_plural = _("temporary assistance steps")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"


class TemporaryAssessment(models.Model):
    """支出型: the investigation of the household's means (a home visit by at least two staff): the
    necessary spending, what insurance and other help cover, what the household can bear itself.
    A new investigation (after an upheld objection) adds a new one; the latest counts."""

    case = models.ForeignKey(TemporaryCase, on_delete=models.PROTECT, related_name="assessments")
    visited_on = models.DateField(_("home visit on"))
    investigators = models.CharField(_("investigators"), max_length=200, validators=[validate_plain_text])
    spending = models.DecimalField(_("necessary spending (yuan)"), max_digits=12, decimal_places=2)
    covered = models.DecimalField(_("paid by insurance and other help (yuan)"), max_digits=12, decimal_places=2)
    own_means = models.DecimalField(_("what the household can bear (yuan)"), max_digits=12, decimal_places=2)
    findings = models.TextField(_("findings"), validators=[validate_multiline_text])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        app_label = "benefits"
        verbose_name = _("means assessment")
        verbose_name_plural = _("means assessments")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.visited_on}"

    @property
    def beyond_means(self):
        """The spending the household cannot bear: spending − covered − own means (may be ≤ 0)."""
        return self.spending - self.covered - self.own_means


class TemporaryPayment(models.Model):
    """The one-off payment a cash grant owes, for the payments to pay (its `status` is theirs to
    move). In-kind grants owe none."""

    class Status(models.TextChoices):
        OWED = "owed", _("To be paid")
        PAID = "paid", _("Paid")

    case = models.OneToOneField(TemporaryCase, on_delete=models.PROTECT, related_name="payment")
    township_id = models.IntegerField(_("township"), db_index=True)
    payee_name = models.CharField(_("payee name"), max_length=64)
    payee_id_number = models.CharField(_("payee ID number"), max_length=18, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OWED, editable=False)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        app_label = "benefits"
        verbose_name = _("one-off payment")
        verbose_name_plural = _("one-off payments")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.payee_name} {self.amount}"
