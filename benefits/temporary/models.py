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
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)
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
