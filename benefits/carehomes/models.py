"""特困供养 where the person lives: care homes (敬老院、五保家园、幸福院、互助照料中心、民办养老机构) with
their capacity, placements in them (centralised support 集中供养, each move recorded) or support at
home (dispersed 分散供养, with the carer who signs the care agreement 照料服务协议), the self-care
assessments that set the care allowance, and the rural living level the 特困 standard is reviewed
against."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunwu_relief.text import validate_multiline_text, validate_plain_text


class HomeKind(models.TextChoices):
    NURSING_HOME = "nursing_home", _("Rural nursing home (敬老院)")
    WUBAO_HOME = "wubao_home", _("Five-guarantee home (五保家园)")
    HAPPINESS_HOME = "happiness_home", _("Happiness home (幸福院)")
    MUTUAL_HELP = "mutual_help", _("Mutual-help care centre (互助照料中心)")
    PRIVATE = "private", _("Private care home taking 特困 persons (民办养老机构)")


class CareHome(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True, validators=[validate_plain_text])
    kind = models.CharField(_("kind"), max_length=16, choices=HomeKind.choices)
    operator = models.CharField(_("operator"), max_length=100, validators=[validate_plain_text])
    # The township it stands in (a county home may take persons from every township).
    township = models.ForeignKey(
        "households.Township", on_delete=models.PROTECT, related_name="care_homes", verbose_name=_("township")
    )
    address = models.CharField(_("address"), max_length=200, validators=[validate_plain_text])
    capacity = models.PositiveSmallIntegerField(_("beds"))
    contact_name = models.CharField(_("contact"), max_length=64, blank=True, validators=[validate_plain_text])
    contact_phone = models.CharField(_("telephone"), max_length=20, blank=True, validators=[validate_plain_text])
    active = models.BooleanField(_("takes placements"), default=True)
    created = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        app_label = "benefits"
        verbose_name = _("care home")
        verbose_name_plural = _("care homes")
        ordering = ["township_id", "name"]
        constraints = [models.CheckConstraint(condition=Q(capacity__gte=1), name="care_home_capacity_positive")]

    def __str__(self) -> str:
        return self.name


class SupportMode(models.TextChoices):
    CENTRALISED = "centralised", _("Centralised, in a care home (集中供养)")
    DISPERSED = "dispersed", _("Dispersed, at home (分散供养)")


class PlacementEnd(models.TextChoices):
    MOVED = "moved", _("Moved (another home or support at home)")
    DIED = "died", _("Died")
    LEFT = "left", _("Left of their own will")
    SUPPORT_ENDED = "support_ended", _("特困 support ended")


class Placement(models.Model):
    """Where one 特困 person is supported from `start_on` until `end_on`: in a home, or at home with
    a carer. A move ends one placement and starts the next (`previous`); one current per person."""

    member = models.ForeignKey("households.Member", on_delete=models.PROTECT, related_name="placements")
    township_id = models.IntegerField(_("township"), db_index=True)
    mode = models.CharField(_("support"), max_length=16, choices=SupportMode.choices)
    home = models.ForeignKey(
        CareHome, on_delete=models.PROTECT, null=True, blank=True, related_name="placements", verbose_name=_("home")
    )
    room = models.CharField(_("room or bed"), max_length=32, blank=True, validators=[validate_plain_text])
    # Dispersed: the carer who signs the care agreement 照料服务协议.
    carer_name = models.CharField(_("carer"), max_length=64, blank=True, validators=[validate_plain_text])
    carer_relation = models.CharField(
        _("carer's relation"), max_length=32, blank=True, validators=[validate_plain_text]
    )
    carer_phone = models.CharField(_("carer's telephone"), max_length=20, blank=True, validators=[validate_plain_text])
    agreement_signed_on = models.DateField(_("care agreement signed on"), null=True, blank=True)
    agreement_terms = models.TextField(
        _("care agreement: what the carer does"), blank=True, validators=[validate_multiline_text]
    )
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True, editable=False)
    end_reason = models.CharField(
        _("ended because"), max_length=16, choices=PlacementEnd.choices, blank=True, editable=False
    )
    end_note = models.CharField(_("note"), max_length=200, blank=True, editable=False)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next", editable=False
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        app_label = "benefits"
        verbose_name = _("placement (特困 support)")
        verbose_name_plural = _("placements (特困 support)")
        ordering = ["-start_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(end_on__isnull=True), name="placement_one_current_per_person"
            ),
            models.CheckConstraint(
                condition=Q(mode="centralised", home__isnull=False)
                | Q(mode="dispersed", home__isnull=True) & ~Q(carer_name="") & Q(agreement_signed_on__isnull=False),
                name="placement_home_or_carer",
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")), name="placement_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        where = self.home.name if self.home_id else self.carer_name
        return f"{self.member} · {where} · {self.start_on}"


class CareLevel(models.TextChoices):
    """Self-care ability (the keys of `benefits.rules.CARE_LEVELS` and the standard's allowances)."""

    FULL_SELF_CARE = "full_self_care", _("Fully able to care for oneself (全自理)")
    SEMI_DISABLED = "semi_disabled", _("Partly unable (半失能)")
    FULLY_DISABLED = "fully_disabled", _("Unable to care for oneself (全失能)")


class SelfCareAssessment(models.Model):
    """One assessment of a person's self-care ability, with its date: the latest one on or before a
    day sets the care allowance of that day. Append-only."""

    member = models.ForeignKey("households.Member", on_delete=models.PROTECT, related_name="self_care_assessments")
    township_id = models.IntegerField(_("township"), db_index=True)
    level = models.CharField(_("self-care ability"), max_length=16, choices=CareLevel.choices)
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.CharField(_("assessed by"), max_length=100, validators=[validate_plain_text])
    note = models.TextField(_("note"), blank=True, validators=[validate_multiline_text])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        app_label = "benefits"
        verbose_name = _("self-care assessment")
        verbose_name_plural = _("self-care assessments")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_level_display()} {self.assessed_on}"


class LivingLevel(models.Model):
    """The rural per-capita living expenditure the bureau takes for a year's 特困 standard, and the
    price index it applies: the 特困 basic living standard of that year may not fall below
    expenditure × index ÷ 12 (the seed: at least the local rural average living level)."""

    year = models.PositiveSmallIntegerField(_("standard year"), unique=True)
    expenditure = models.DecimalField(
        _("rural per-capita living expenditure (yuan/year)"), max_digits=10, decimal_places=2
    )
    expenditure_year = models.PositiveSmallIntegerField(_("statistics of the year"))
    price_index = models.DecimalField(
        _("price index (previous year = 100)"), max_digits=6, decimal_places=2, default=100
    )
    source = models.CharField(_("source"), max_length=200, validators=[validate_plain_text])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        app_label = "benefits"
        verbose_name = _("rural living level (特困 standard review)")
        verbose_name_plural = _("rural living levels (特困 standard review)")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(expenditure__gt=0), name="living_level_expenditure_positive"),
            models.CheckConstraint(
                condition=Q(price_index__gte=50, price_index__lte=200), name="living_level_price_index_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.expenditure} × {self.price_index}%"
