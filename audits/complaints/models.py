"""A complaint or report 举报: received by any channel, anonymous or not, linked to a household,
a case or a member of staff; assigned, investigated, answered within a deadline (data), closed
with an outcome. The reporter's identity is shown to county staff only (`selectors`)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", _("Telephone")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("In person")
    PUBLIC_PAGE = "public_page", _("Public page")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    INVESTIGATING = "investigating", _("Being investigated")
    INVESTIGATED = "investigated", _("Investigated")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = frozenset(
    {
        ComplaintStatus.RECEIVED,
        ComplaintStatus.INVESTIGATING,
        ComplaintStatus.INVESTIGATED,
        ComplaintStatus.ANSWERED,
    }
)


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld (属实)")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld (部分属实)")
    NOT_UPHELD = "not_upheld", _("Not upheld (不属实)")


UPHELD_OUTCOMES = frozenset({Outcome.UPHELD, Outcome.PARTLY_UPHELD})


class Complaint(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, null=True, editable=False)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    received_on = models.DateField(_("received on"))
    # Empty for a complaint left on the public page (nobody on our side recorded it).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    # County staff only (selectors.reporter_for): never shown to township staff.
    reporter_name = models.CharField(_("reporter"), max_length=64, blank=True)
    reporter_contact = models.CharField(_("reporter's contact"), max_length=100, blank=True)
    content = models.TextField(_("what is reported"))
    township = models.ForeignKey(
        "households.Township",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("township"),
    )
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("household"),
    )
    application = models.ForeignKey(
        "benefits.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("case"),
    )
    about_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member of staff concerned"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED, editable=False
    )
    answer_due = models.DateField(_("answer due"), editable=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("investigated by"),
    )
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True, editable=False)
    findings = models.TextField(_("findings"), blank=True, editable=False)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True, editable=False)
    investigated_at = models.DateTimeField(_("investigated"), null=True, blank=True, editable=False)
    answered_on = models.DateField(_("answered on"), null=True, blank=True, editable=False)
    answer_method = models.CharField(
        _("answered by"), max_length=16, choices=Channel.choices, blank=True, editable=False
    )
    answer = models.TextField(_("answer"), blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    close_note = models.TextField(_("closing note"), blank=True, editable=False)
    # An upheld complaint about a household forces a review of its assistance (the dynamic-
    # management work records it done through `services.complaint_review_recorded`).
    review_required = models.BooleanField(_("review of the assistance required"), default=False, editable=False)
    review_recorded_at = models.DateTimeField(_("review recorded"), null=True, blank=True, editable=False)
    review_note = models.TextField(_("review"), blank=True, editable=False)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["township", "status"]), models.Index(fields=["household", "status"])]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ComplaintEvent(models.Model):
    """The history of a complaint (append-only): each step, by whom, with its note."""

    class Action(models.TextChoices):
        RECORD = "record", _("Recorded")
        ASSIGN = "assign", _("Assigned")
        FINDINGS = "findings", _("Findings recorded")
        ANSWER = "answer", _("Answered")
        CLOSE = "close", _("Closed")
        REVIEW = "review", _("Review recorded")

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.action}"
