"""Economic-status verification 家庭经济状况核查: declarations, departmental data, cross-check,
household visits 入户调查, labour-capacity assessments and the frozen economic-status result."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 12, "decimal_places": 2}


class IncomeKind(models.TextChoices):
    WAGES = "wages", _("Wages (工资性收入)")
    FARMING = "farming", _("Net farming or business income (家庭经营净收入)")
    PROPERTY = "property", _("Property income (财产性收入)")
    TRANSFER = "transfer", _("Transfer income (转移性收入)")
    SUPPORT = "support", _("Support owed by relatives (赡养、抚养、扶养费)")
    OTHER = "other", _("Other income (其他收入)")
    # Kinds that the policy (docs/rules.md) keeps out of countable income; which ones are excluded is
    # policy data (PolicyLimits.excluded_income_kinds), these are only the kinds one can declare.
    SPECIAL_CARE = "special_care", _("Special care and pensions for veterans (优待抚恤金)")
    FAMILY_PLANNING = "family_planning", _("Family-planning rewards (计划生育奖励与扶助金)")
    SCHOLARSHIP = "scholarship", _("Scholarships (奖学金)")
    HEROISM = "heroism", _("Awards for heroism (见义勇为奖励)")
    ASSISTANCE = "assistance", _("Social-assistance payments (社会救助款物)")
    PENSION_BASE = "pension_base", _("Basic pension, base part (基础养老金)")


class AssetKind(models.TextChoices):
    LAND = "land", _("Contracted land (承包土地)")
    HOUSING = "housing", _("Housing (住房)")
    VEHICLE = "vehicle", _("Motor vehicle (机动车)")
    MACHINERY = "machinery", _("Farm machinery (农机)")
    DEPOSITS = "deposits", _("Deposits and securities (存款及有价证券)")
    BUSINESS = "business", _("Business (经营实体)")


class Source(models.TextChoices):
    """The departments that send us data (assessments/FORMATS.md)."""

    HUKOU = "hukou", _("Household registration (户籍)")
    VEHICLE = "vehicle", _("Motor vehicles (机动车)")
    HOUSING = "housing", _("Housing and real estate (住房/不动产)")
    MACHINERY = "machinery", _("Farm machinery (农机)")
    EMPLOYMENT = "employment", _("Employment and social insurance (就业/社保)")
    BUSINESS = "business", _("Self-employed business (个体工商户/市场主体)")


class PolicyLimits(models.Model):
    """The year's policy numbers for the economic-status check; edited by the bureau in the admin."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    excluded_income_kinds = models.JSONField(
        _("income kinds not counted"), default=list, blank=True, help_text=_("Codes of IncomeKind (docs/rules.md).")
    )
    employment_deduction = models.DecimalField(
        _("employment cost deducted per wage earner (yuan/month)"), default=Decimal("0"), **MONEY
    )
    deposits_per_capita_max = models.DecimalField(_("deposits and securities per person, at most (yuan)"), **MONEY)
    vehicles_max = models.PositiveSmallIntegerField(_("motor vehicles, at most"), default=0)
    vehicle_exempt_types = models.JSONField(
        _("vehicle types not counted"), default=list, blank=True, help_text=_("e.g. 摩托车, 三轮汽车, 残疾人专用车")
    )
    housing_count_max = models.PositiveSmallIntegerField(_("dwellings, at most"), default=1)
    housing_area_per_capita_max = models.DecimalField(_("housing area per person, at most (m²)"), **MONEY)
    machinery_value_max = models.DecimalField(_("farm machinery value, at most (yuan)"), **MONEY)
    business_allowed = models.BooleanField(_("a registered business is allowed"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("policy limits")
        verbose_name_plural = _("policy limits")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class Assessment(models.Model):
    """One household's economic-status investigation at one point in time.

    Open while evidence is gathered; finished once, when the result is computed and frozen.
    A later change needs a new assessment, never an edit."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FINISHED = "finished", _("Finished")

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="assessments", verbose_name=_("household")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    created = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    cross_checked_at = models.DateTimeField(_("cross-checked"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("finished by"),
    )
    # The result, written once by assessment_finish.
    members_count = models.PositiveSmallIntegerField(_("members"), null=True, blank=True)
    monthly_income = models.DecimalField(_("countable monthly income"), null=True, blank=True, **MONEY)
    per_capita_income = models.DecimalField(_("per-capita monthly income"), null=True, blank=True, **MONEY)
    assets_within_limits = models.BooleanField(_("assets within the limits"), null=True, blank=True)
    asset_reasons = models.JSONField(_("asset reasons"), default=list, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    policy_year = models.PositiveSmallIntegerField(_("policy year"), null=True, blank=True)
    policy_numbers = models.JSONField(_("policy numbers used"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("economic-status assessment")
        verbose_name_plural = _("economic-status assessments")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(status="open"), name="assessment_one_open_per_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.created:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class IncomeDeclaration(models.Model):
    """One member's declared monthly income of one kind."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="incomes", verbose_name=_("assessment")
    )
    member = models.ForeignKey(
        "households.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("member")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=IncomeKind.choices)
    monthly_amount = models.DecimalField(
        _("monthly amount (yuan)"), validators=[MinValueValidator(Decimal("0"))], **MONEY
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("declared income")
        verbose_name_plural = _("declared incomes")
        ordering = ["member_id", "id"]
        constraints = [models.CheckConstraint(condition=Q(monthly_amount__gte=0), name="income_not_negative")]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.monthly_amount}"


class AssetDeclaration(models.Model):
    """One declared asset: quantity in 亩 (land) or count (housing, vehicles, machinery, business)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="assets", verbose_name=_("assessment")
    )
    member = models.ForeignKey("households.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    kind = models.CharField(_("kind"), max_length=20, choices=AssetKind.choices)
    quantity = models.DecimalField(_("quantity (亩 or count)"), max_digits=10, decimal_places=2, default=Decimal("1"))
    area = models.DecimalField(_("floor area (m²)"), max_digits=10, decimal_places=2, null=True, blank=True)
    value = models.DecimalField(_("value (yuan)"), null=True, blank=True, **MONEY)
    description = models.CharField(_("description"), max_length=200, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("declared asset")
        verbose_name_plural = _("declared assets")
        ordering = ["member_id", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()}"


class Authorisation(models.Model):
    """The applicant's signed authorisation to check the family's finances 授权核对 (N1)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="authorisations", verbose_name=_("assessment")
    )
    signed_on = models.DateField(_("signed on"))
    signatory = models.CharField(_("signed by"), max_length=64)
    scan = models.FileField(_("signed scan"), upload_to="assessments/authorisations/%Y/%m/")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("authorisation to check finances")
        verbose_name_plural = _("authorisations to check finances")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.signatory} {self.signed_on}"
