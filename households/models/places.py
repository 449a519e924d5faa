"""The county's settings, its townships and villages."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sunwu_relief.text import validate_plain_text

TELEPHONE_VALIDATOR = RegexValidator(
    r"^(0\d{2,3}-\d{7,8}|1\d{10}|12345)$",
    _("Give a telephone number such as 0456-1234567 (area code, hyphen, number), a mobile number or 12345."),
)


def is_example_telephone(number: str) -> bool:
    """Demo numbers are written with a local part that begins with 0 (`0456-0000000`): no real
    local number does, so an example can never be mistaken for a real line (RULES: never invent one)."""
    return "-" in number and number.split("-", 1)[1].startswith("0")


class CountySettings(models.Model):
    """The county's own particulars that notices and pages print: data the bureau edits in the
    admin, never text in templates. One row (`county_settings()` creates it with the defaults)."""

    bureau_name = models.CharField(
        _("bureau name"), max_length=64, default="孙吴县民政局", validators=[validate_plain_text]
    )
    bureau_address = models.CharField(
        _("bureau address"),
        max_length=200,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("Printed on written notices; leave empty until the bureau gives its postal address."),
    )
    complaints_telephone = models.CharField(
        _("complaints telephone"),
        max_length=20,
        default="0456-0000000",
        validators=[TELEPHONE_VALIDATOR],
        help_text=_(
            "The bureau's supervision and complaints line (监督投诉电话) printed on every page, public notice and "
            "written notice. The default 0456-0000000 is an example: replace it with the bureau's real number."
        ),
    )
    appeal_body = models.CharField(
        _("administrative reconsideration body (行政复议)"),
        max_length=64,
        default="孙吴县人民政府",
        validators=[validate_plain_text],
        help_text=_("Where a decision may be appealed (行政复议法: the government at the same level)."),
    )
    appeal_days = models.PositiveSmallIntegerField(
        _("reconsideration period (days)"),
        default=60,
        validators=[MinValueValidator(60), MaxValueValidator(365)],
        help_text=_("行政复议法 Art. 20: at least 60 days from knowing of the decision."),
    )
    court = models.CharField(
        _("court for administrative litigation (行政诉讼)"),
        max_length=64,
        default="有管辖权的人民法院",
        validators=[validate_plain_text],
        help_text=_("The court named in written notices; the default names no court until the bureau confirms it."),
    )
    litigation_months = models.PositiveSmallIntegerField(
        _("litigation period (months)"),
        default=6,
        validators=[MinValueValidator(6), MaxValueValidator(24)],
        help_text=_("行政诉讼法 Art. 46: six months from knowing of the decision."),
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("county settings")
        verbose_name_plural = _("county settings")

    def __str__(self) -> str:
        return self.bureau_name

    @property
    def complaints_telephone_is_example(self) -> bool:
        return is_example_telephone(self.complaints_telephone)


class Township(models.Model):
    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)
    # The township's social-assistance service centre (社会救助服务站/便民服务中心), printed on its
    # notices; empty means the county's complaints line is printed instead.
    service_address = models.CharField(
        _("service-centre address"), max_length=200, blank=True, validators=[validate_plain_text]
    )
    service_telephone = models.CharField(
        _("service-centre telephone"),
        max_length=20,
        blank=True,
        validators=[TELEPHONE_VALIDATOR],
        help_text=_(
            "The township's own number for its notices; a number whose local part begins with 0 is an example."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="villages", verbose_name=_("township")
    )
    name = models.CharField(_("name"), max_length=64)
    # A village first named by the poverty office's ledger is free text from outside: it waits
    # for the county to confirm it before caseworkers are offered it (households.services).
    confirmed = models.BooleanField(
        _("confirmed"),
        default=True,
        help_text=_("Confirmed by the county; villages first named by the poverty office's ledger wait for it."),
    )

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["township__code", "id"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="village_unique_per_township")]

    def __str__(self) -> str:
        return self.name
