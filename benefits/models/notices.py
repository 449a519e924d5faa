"""书面通知: written notices of a refusal or a change, and how they were delivered."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import Household

from .applications import Application, ReasonCode
from .benefits import BenefitChange
from .procedure import upload_to_case


class DeliveryMethod(models.TextChoices):
    IN_PERSON = "in_person", _("Handed to the addressee (直接送达)")
    FAMILY = "family", _("Handed to an adult family member (代收)")
    LEFT = "left", _("Left at the residence before witnesses (留置送达)")
    POST = "post", _("By registered post (邮寄送达)")


class WrittenNotice(models.Model):
    """书面通知: a refusal or a change, with reasons and how to appeal; printable."""

    class Kind(models.TextChoices):
        REJECTION = "rejection", _("Notice of refusal")
        CHANGE = "change", _("Notice of change")
        APPROVAL = "approval", _("Notice of approval")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="written_notices")
    township_id = models.IntegerField(db_index=True)
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="written_notices"
    )
    benefit_change = models.OneToOneField(
        BenefitChange, on_delete=models.PROTECT, null=True, blank=True, related_name="written_notice"
    )
    addressee = models.CharField(_("addressee"), max_length=64)
    reason_code = models.CharField(_("reason"), max_length=32, choices=ReasonCode.choices, blank=True)
    body = models.TextField(_("text"))
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due by"))
    created = models.DateTimeField(default=timezone.now)
    # Service 送达 (recorded by township staff with the signed receipt 送达回证).
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True, editable=False)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("delivered by"),
    )
    delivery_method = models.CharField(
        _("delivery method"), max_length=16, choices=DeliveryMethod.choices, blank=True, editable=False
    )
    received_by = models.CharField(_("received by"), max_length=64, blank=True, editable=False)
    receipt = models.FileField(_("receipt (送达回证)"), upload_to=upload_to_case, blank=True, editable=False)

    class Meta:
        verbose_name = _("written notice")
        verbose_name_plural = _("written notices")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.addressee} {self.issued_on}"
