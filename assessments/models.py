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

from households.models import LabourCapacity

MONEY = {"max_digits": 12, "decimal_places": 2}


class IncomeKind(models.TextChoices):
    WAGES = "wages", _("Wages (工资性收入)")
    FARMING = "farming", _("Net farming or business income (家庭经营净收入)")
    PROPERTY = "property", _("Property income (财产性收入)")
    TRANSFER = "transfer", _("Transfer income (转移性收入)")
    SUPPORT = "support", _("Support owed by relatives (赡养、抚养、扶养费)")
    OTHER = "other", _("Other income (其他收入)")
    # Kinds that the policy (RULES §2) keeps out of countable income; which ones are excluded is
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
        _("income kinds not counted"), default=list, blank=True, help_text=_("Codes of IncomeKind (RULES §2).")
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


class DepartmentImport(models.Model):
    """One file a department sent; the same file (by its SHA-256) is imported once."""

    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    data_date = models.DateField(_("data as of"))
    file = models.FileField(_("file"), upload_to="assessments/imports/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("records created"), default=0)
    updated_count = models.PositiveIntegerField(_("records updated"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("imported by")
    )
    created = models.DateTimeField(_("imported"), default=timezone.now)

    class Meta:
        verbose_name = _("departmental data import")
        verbose_name_plural = _("departmental data imports")
        ordering = ["-created", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "sha256"], name="department_import_once")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.data_date}"


class DepartmentRecord(models.Model):
    """One person-and-item row of a department's data, upserted by (source, ID number, key)."""

    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    id_number = models.CharField(_("ID number"), max_length=18, db_index=True)
    name = models.CharField(_("name"), max_length=64)
    # What identifies the item within the person: plate, certificate, credit code, employer, 户号.
    key = models.CharField(_("item key"), max_length=100)
    label = models.CharField(_("item"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), null=True, blank=True, **MONEY)
    area = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=2, null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    extra = models.JSONField(_("other columns"), default=dict, blank=True)
    imported = models.ForeignKey(
        DepartmentImport, on_delete=models.PROTECT, related_name="records", verbose_name=_("import")
    )
    data_date = models.DateField(_("data as of"))

    class Meta:
        verbose_name = _("departmental record")
        verbose_name_plural = _("departmental records")
        ordering = ["source", "id_number", "key"]
        constraints = [
            models.UniqueConstraint(fields=["source", "id_number", "key"], name="department_record_unique_item")
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.name} {self.label or self.key}"


class Discrepancy(models.Model):
    """A difference between the declarations and the departmental data, found by the cross-check."""

    class Severity(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="discrepancies", verbose_name=_("assessment")
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    code = models.CharField(_("kind"), max_length=32)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    member = models.ForeignKey(
        "households.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("member")
    )
    record = models.ForeignKey(
        DepartmentRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("record")
    )
    message = models.TextField(_("message"))
    created = models.DateTimeField(_("found"), default=timezone.now)

    class Meta:
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")
        ordering = ["assessment_id", "id"]

    def __str__(self) -> str:
        return self.message


class HouseholdVisit(models.Model):
    """A household visit 入户调查 by at least two investigators; read-only once signed."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="visits", verbose_name=_("assessment")
    )
    visit_date = models.DateField(_("visit date"))
    investigators = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("investigators"))
    housing = models.TextField(_("housing"), blank=True)
    living_conditions = models.TextField(_("living conditions"), blank=True)
    livestock = models.TextField(_("livestock"), blank=True)
    equipment = models.TextField(_("equipment and appliances"), blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    household_confirmed = models.BooleanField(_("confirmed by the household"), default=False)
    household_signatory = models.CharField(_("household member who signed"), max_length=64, blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
    )
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrects"),
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("household visit")
        verbose_name_plural = _("household visits")
        ordering = ["-visit_date", "-id"]

    def __str__(self) -> str:
        return f"{self.assessment.household} {self.visit_date}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class VisitConfirmation(models.Model):
    """One investigator's own confirmation of a visit record, under their own log-in
    (谁核查、谁签字、谁负责). The visit is signed when every investigator has confirmed."""

    visit = models.ForeignKey(
        HouseholdVisit, on_delete=models.CASCADE, related_name="confirmations", verbose_name=_("visit")
    )
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("investigator")
    )
    confirmed_at = models.DateTimeField(_("confirmed"), default=timezone.now)

    class Meta:
        verbose_name = _("investigator's confirmation")
        verbose_name_plural = _("investigators' confirmations")
        ordering = ["confirmed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "investigator"], name="visit_confirmation_once_per_investigator")
        ]

    def __str__(self) -> str:
        return f"{self.investigator} {self.confirmed_at:%Y-%m-%d %H:%M}"


class VisitAttachment(models.Model):
    """A photo or the scan of the signed paper form."""

    visit = models.ForeignKey(
        HouseholdVisit, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("visit")
    )
    file = models.FileField(_("file"), upload_to="assessments/visits/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("visit attachment")
        verbose_name_plural = _("visit attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.caption or self.file.name


class LabourAssessment(models.Model):
    """The health department's labour-capacity assessment of one member (S §二(一)2)."""

    member = models.ForeignKey(
        "households.Member", on_delete=models.PROTECT, related_name="labour_assessments", verbose_name=_("member")
    )
    result = models.CharField(_("result"), max_length=12, choices=LabourCapacity.choices)
    assessed_on = models.DateField(_("assessed on"))
    document = models.FileField(_("document"), upload_to="assessments/labour/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("labour-capacity assessment")
        verbose_name_plural = _("labour-capacity assessments")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_result_display()} {self.assessed_on}"
