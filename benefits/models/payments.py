"""Paying the money 资金发放: banks, payees and their accounts, monthly batches, their items and
the bank's result files. Imported by `benefits.models`; the writes are in `benefits.payments`.

See docs/payments.md for the states, the item kinds and the file formats."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..payments.rules import mask_account


class Bank(models.Model):
    """A bank (or the social-security card) the county pays through. Whether its card numbers
    carry a Luhn check digit is data: the bureau sets it per bank."""

    name = models.CharField(_("bank name"), max_length=64, unique=True)
    uses_luhn = models.BooleanField(
        _("card numbers carry a Luhn check digit"),
        default=True,
        help_text=_(
            "Bank cards (ISO/IEC 7812) end in a Luhn check digit; some passbook and social-security numbers do not."
        ),
    )
    active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bank")
        verbose_name_plural = _("banks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Payee(models.Model):
    """Who receives one benefit's money and on which account (CONTRACT: one per benefit).

    Normally the head of the household; another member or a guardian only with a reason. Every
    change goes through `payee_set` (who, when, why); the history keeps each earlier account."""

    benefit = models.OneToOneField(
        "benefits.Benefit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payee",
        verbose_name=_("benefit"),
    )
    # Or the account a one-off 临时救助 payment is paid to (the person it was granted to).
    temporary_payment = models.OneToOneField(
        "benefits.TemporaryPayment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payee",
        verbose_name=_("one-off payment"),
    )
    township_id = models.IntegerField(_("township"), db_index=True)
    member = models.ForeignKey(
        "households.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member receiving"),
    )
    name = models.CharField(_("payee name"), max_length=64)
    id_number = models.CharField(_("payee ID number"), max_length=18)
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="+", verbose_name=_("bank"))
    account_number = models.CharField(_("account or card number"), max_length=19)
    reason = models.TextField(_("reason for this payee or change"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed = models.DateTimeField(_("account last changed"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payee")
        verbose_name_plural = _("payees")
        constraints = [
            models.CheckConstraint(
                condition=Q(benefit__isnull=False, temporary_payment__isnull=True)
                | Q(benefit__isnull=True, temporary_payment__isnull=False),
                name="payee_of_benefit_or_one_off",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.bank} {mask_account(self.account_number)}"


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    EXPORTED = "exported", _("Exported to the bank")
    SETTLED = "settled", _("Settled")


FROZEN_BATCH_STATUSES = frozenset({BatchStatus.APPROVED, BatchStatus.EXPORTED, BatchStatus.SETTLED})


class PaymentBatch(models.Model):
    """One programme's payments of one month (maker–checker; frozen once approved)."""

    programme = models.CharField(_("programme"), max_length=16)
    month = models.DateField(_("month"))
    number = models.CharField(_("batch number"), max_length=32, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.DRAFT, editable=False
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("prepared by")
    )
    prepared_at = models.DateTimeField(_("prepared"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    exported_at = models.DateTimeField(_("exported"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    # What the preparation wrote, kept to check the items against (the month-end close).
    item_count = models.PositiveIntegerField(_("items"), default=0, editable=False)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=0, editable=False)
    # The last month-end close check of this batch and what it found (normally nothing).
    close_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True, editable=False)
    close_differences = models.JSONField(_("differences found"), default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        ordering = ["-month", "programme"]
        constraints = [models.UniqueConstraint(fields=["programme", "month"], name="payment_batch_one_per_month")]

    def __str__(self) -> str:
        return self.number


class ItemKind(models.TextChoices):
    REGULAR = "regular", _("Regular (正常)")
    ARREARS = "arrears", _("Arrears (补发)")
    RECOVERY = "recovery", _("Recovery (追回)")


class ItemResult(models.TextChoices):
    PENDING = "", _("Awaiting the bank")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")


class PaymentItem(models.Model):
    """One payment of a batch: a household's month (regular), or the difference owed for months
    already paid (arrears, positive; recovery, negative), each with the decision it rests on.

    `months` maps each month covered ("YYYY-MM") to the part of the amount that is for it: what
    has been paid for a month is the sum over the items not failed."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="items")
    seq = models.PositiveIntegerField(_("number in batch"))
    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices)
    # A 低保/特困 item rests on a benefit; a 临时救助 item on a one-off payment (whose person may
    # have no household in the registry: a 流动人员).
    benefit = models.ForeignKey(
        "benefits.Benefit", on_delete=models.PROTECT, null=True, blank=True, related_name="payment_items"
    )
    temporary_payment = models.ForeignKey(
        "benefits.TemporaryPayment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_items",
        verbose_name=_("one-off payment"),
    )
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="payment_items"
    )
    township_id = models.IntegerField(_("township"), db_index=True)
    township_name = models.CharField(_("township"), max_length=64)
    village_name = models.CharField(_("village"), max_length=64)
    head_name = models.CharField(_("head of household"), max_length=64)
    head_id_number = models.CharField(_("head's ID number"), max_length=18)
    covered = models.PositiveSmallIntegerField(_("covered persons"))
    classification = models.CharField(_("classification"), max_length=8, blank=True)
    start_month = models.CharField(_("start month"), max_length=7)
    note = models.CharField(_("note"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    months = models.JSONField(_("months covered"), default=dict)
    decision = models.ForeignKey(
        "benefits.BenefitChange", on_delete=models.PROTECT, null=True, blank=True, related_name="payment_items"
    )
    explanation = models.TextField(_("explanation"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # The payee and account as they were when the batch was prepared (what the bank is sent).
    payee_name = models.CharField(_("payee name"), max_length=64, blank=True)
    payee_id_number = models.CharField(_("payee ID number"), max_length=18, blank=True)
    bank_name = models.CharField(_("bank"), max_length=64, blank=True)
    account_number = models.CharField(_("account number"), max_length=19, blank=True)
    result = models.CharField(_("result"), max_length=8, choices=ItemResult.choices, blank=True, editable=False)
    failure_reason = models.CharField(_("failure reason"), max_length=200, blank=True, editable=False)
    result_at = models.DateTimeField(_("result recorded"), null=True, blank=True, editable=False)
    result_import = models.ForeignKey(
        "benefits.BankResultImport", on_delete=models.PROTECT, null=True, blank=True, related_name="items"
    )

    class Meta:
        verbose_name = _("payment item")
        verbose_name_plural = _("payment items")
        ordering = ["batch_id", "seq"]
        # The failed items (a few among a year's hundreds of thousands): the queues, the failed
        # payments page and the performance figure count and list them from this index alone.
        indexes = [
            models.Index(fields=["township_id", "result_at"], condition=Q(result="failed"), name="payment_item_failed")
        ]
        constraints = [
            models.UniqueConstraint(fields=["batch", "seq"], name="payment_item_seq_unique"),
            models.CheckConstraint(
                condition=Q(kind="recovery", amount__lt=0) | ~Q(kind="recovery") & Q(amount__gt=0),
                name="payment_item_sign_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(benefit__isnull=False, temporary_payment__isnull=True)
                | Q(benefit__isnull=True, temporary_payment__isnull=False, kind="regular"),
                name="payment_item_of_benefit_or_one_off",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.seq}"


class BankResultImport(models.Model):
    """One bank result file imported (by its SHA-256: the same file again is a no-op)."""

    sha256 = models.CharField(max_length=64, unique=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("imported"), default=timezone.now)
    paid = models.PositiveIntegerField(_("paid"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)

    class Meta:
        verbose_name = _("bank result file")
        verbose_name_plural = _("bank result files")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.filename} {self.created:%Y-%m-%d %H:%M}"
