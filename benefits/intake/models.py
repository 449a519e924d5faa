"""一门受理: every request for help at the township service centre, with its receipt number 回执,
and what became of it — an application in one of our programmes, a referral 转办 to another
department (a list that is data, each with its answer deadline in working days), or closed with
a reason. Nothing is lost: every request ends in one of these."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunwu_relief.text import validate_multiline_text, validate_plain_text


class Department(models.Model):
    """Another department a request may be handed on to (教育、医保、住建、人社、残联、卫健、乡村振兴 …):
    policy data the bureau edits, with the working days it has to answer."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True, validators=[validate_plain_text])
    handles = models.CharField(_("what it handles"), max_length=200, blank=True, validators=[validate_plain_text])
    answer_days = models.PositiveSmallIntegerField(
        _("answer within (working days)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Local practice (L): 10 working days from the referral; 1 to 60."),
    )
    telephone = models.CharField(_("telephone"), max_length=20, blank=True, validators=[validate_plain_text])
    active = models.BooleanField(_("takes referrals"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        app_label = "benefits"
        verbose_name = _("department (referrals)")
        verbose_name_plural = _("departments (referrals)")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answer_days__gte=1, answer_days__lte=60), name="department_answer_days_range"
            )
        ]

    def __str__(self) -> str:
        return self.name


class IntakeChannel(models.TextChoices):
    IN_PERSON = "in_person", _("In person at the service centre")
    PHONE = "phone", _("By telephone")
    VILLAGE_CADRE = "village_cadre", _("Through a village cadre")
    ONLINE = "online", _("Online")


class IntakeKind(models.TextChoices):
    """What the person asks for (the first sorting; the outcome decides who handles it)."""

    DIBAO = "dibao", _("Minimum living allowance (低保)")
    TEKUN = "tekun", _("Support for persons in extreme poverty (特困供养)")
    TEMPORARY = "temporary", _("Temporary assistance (临时救助)")
    MEDICAL = "medical", _("Medical costs")
    EDUCATION = "education", _("Schooling")
    HOUSING = "housing", _("Housing")
    EMPLOYMENT = "employment", _("Work and social insurance")
    DISABILITY = "disability", _("Disability")
    CARE = "care", _("Elderly care")
    OTHER = "other", _("Other")


class IntakeStatus(models.TextChoices):
    OPEN = "open", _("Registered, not yet handled")
    APPLICATION = "application", _("Became an application")
    REFERRED = "referred", _("Referred, awaiting the answer")
    ANSWERED = "answered", _("Referred and answered")
    CLOSED = "closed", _("Closed")


class CloseReason(models.TextChoices):
    WITHDRAWN = "withdrawn", _("The person withdrew the request")
    ANSWERED_AT_DESK = "answered_at_desk", _("Answered at the desk (information only)")
    NOT_ELIGIBLE = "not_eligible", _("Clearly outside every programme, explained to the person")
    DUPLICATE = "duplicate", _("The same request is already registered")
    UNREACHABLE = "unreachable", _("The person cannot be reached")
    OTHER = "other", _("Other")


class IntakeRequest(models.Model):
    """One request at the one door: who asked, for whom, what, its kind, and its receipt number."""

    township_id = models.IntegerField(_("township"), db_index=True)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("number in the year"), editable=False)
    receipt_number = models.CharField(_("receipt number"), max_length=32, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=16, choices=IntakeChannel.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=IntakeKind.choices)
    received_on = models.DateField(_("received on"), editable=False)
    # Who asked (the person, a relative, a village cadre …).
    requester_name = models.CharField(_("asked by"), max_length=64, validators=[validate_plain_text])
    requester_relation = models.CharField(
        _("relation to the person"), max_length=32, blank=True, validators=[validate_plain_text]
    )
    requester_phone = models.CharField(_("telephone"), max_length=20, blank=True, validators=[validate_plain_text])
    # For whom: a member of a household of our registry, or what is known of the person.
    member = models.ForeignKey(
        "households.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="intake_requests"
    )
    person_name = models.CharField(_("for whom"), max_length=64, validators=[validate_plain_text])
    person_address = models.CharField(_("address"), max_length=200, blank=True, validators=[validate_plain_text])
    request = models.TextField(_("what is asked"), validators=[validate_multiline_text])
    status = models.CharField(
        _("status"), max_length=16, choices=IntakeStatus.choices, default=IntakeStatus.OPEN, editable=False
    )
    application = models.OneToOneField(
        "benefits.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intake_request",
        editable=False,
    )
    close_reason = models.CharField(_("reason"), max_length=20, choices=CloseReason.choices, blank=True, editable=False)
    close_note = models.TextField(_("explanation"), blank=True, editable=False)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True, editable=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(_("registered"), default=timezone.now)

    class Meta:
        app_label = "benefits"
        verbose_name = _("intake request")
        verbose_name_plural = _("intake requests")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["township_id", "year", "sequence"], name="intake_one_number_per_year"),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(close_reason=""), name="intake_closed_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="application") | Q(application__isnull=False),
                name="intake_application_linked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number} {self.person_name}"


class ReferralOutcome(models.TextChoices):
    HANDLED = "handled", _("Taken up and handled by the department")
    PARTLY = "partly", _("Partly handled")
    DECLINED = "declined", _("Declined by the department (reason given)")


class Referral(models.Model):
    """The request handed on to another department 转办: what was handed over, the deadline (its
    working days stored with it), and the department's answer once it comes."""

    intake = models.OneToOneField(IntakeRequest, on_delete=models.PROTECT, related_name="referral")
    township_id = models.IntegerField(_("township"), db_index=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="referrals")
    handed_over = models.TextField(_("what was handed over"), validators=[validate_multiline_text])
    referred_on = models.DateField(_("referred on"))
    answer_days = models.PositiveSmallIntegerField(_("answer within (working days)"))
    due_on = models.DateField(_("answer due"), db_index=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True, editable=False)
    outcome = models.CharField(_("outcome"), max_length=16, choices=ReferralOutcome.choices, blank=True, editable=False)
    answer = models.TextField(_("the department's answer"), blank=True, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        app_label = "benefits"
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.intake.receipt_number} → {self.department.name}"

    def overdue_on(self, day) -> bool:
        """Unanswered after its due day (on the due day itself it is still in time)."""
        return self.answered_on is None and day > self.due_on
