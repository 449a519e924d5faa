"""Programmes, yearly standards, applications and their workflow, decisions and benefits."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households.models import Classification, Household
from sunwu_relief import clock
from sunwu_relief.text import validate_plain_text


class Programme(models.TextChoices):
    DIBAO = "dibao", _("Minimum living allowance (低保)")
    TEKUN = "tekun", _("Support for persons in extreme poverty (特困供养)")
    MEDICAL = "medical", _("Medical assistance (医疗救助)")
    TEMPORARY = "temporary", _("Temporary assistance (临时救助)")


def _between(low: str | int, high: str | int) -> list:
    """The valid range of one policy number (inclusive), checked by the admin form and the service."""
    if isinstance(low, str):
        low, high = Decimal(low), Decimal(high)
    return [MinValueValidator(low), MaxValueValidator(high)]


class Standard(models.Model):
    """One programme's policy numbers for one year (docs/rules.md: every number is policy, not code).

    Edited by county staff in the admin; every edit bumps `version`, and each decision stores a
    snapshot of the numbers it used, so a later edit never changes a past decision. Every number
    has a valid range (its validators): a value outside it is a field error and nothing is saved.
    """

    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=_between(2000, 2100))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # 低保 monthly standard S per person (元/月); also the reference for 特困 and temporary caps.
    monthly_standard = models.DecimalField(
        _("monthly standard S (yuan per person)"),
        max_digits=8,
        decimal_places=2,
        validators=_between("1", "10000"),
        help_text=_("Set by the county every year (N1 Art. 23); 1 to 10,000 yuan per person and month."),
    )
    # 特困: basic living standard, at least 1.3 × S, and the care allowances by self-care ability.
    tekun_basic = models.DecimalField(
        _("特困 basic living standard (yuan/month)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=_between("0", "20000"),
        help_text=_("At least the factor below × S (N2: 1.3); 0 means factor × S. At most 20,000."),
    )
    care_full_self_care = models.DecimalField(
        _("care allowance, full self-care"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("191"),
        validators=_between("0", "10000"),
        help_text=_("Local practice (L); 0 to 10,000 yuan per month."),
    )
    care_semi_disabled = models.DecimalField(
        _("care allowance, semi-disabled"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("319"),
        validators=_between("0", "10000"),
        help_text=_("Local practice (L); 0 to 10,000 yuan per month."),
    )
    care_fully_disabled = models.DecimalField(
        _("care allowance, fully disabled"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("478"),
        validators=_between("0", "10000"),
        help_text=_("Local practice (L); 0 to 10,000 yuan per month."),
    )
    # 分类施保 add-ons, as a share of S per qualifying member (default 0: none).
    addon_elderly_70 = models.DecimalField(
        _("add-on share for members 70+"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0"),
        validators=_between("0", "1"),
        help_text=_("A share of S (L: 0.1–0.3); between 0 and 1."),
    )
    addon_severe_disability = models.DecimalField(
        _("add-on share for severe disability"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0"),
        validators=_between("0", "1"),
        help_text=_("A share of S (L: 0.1–0.3); between 0 and 1."),
    )
    addon_serious_illness = models.DecimalField(
        _("add-on share for serious illness"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0"),
        validators=_between("0", "1"),
        help_text=_("A share of S (L: 0.1–0.3); between 0 and 1."),
    )
    addon_minor = models.DecimalField(
        _("add-on share for minors"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0"),
        validators=_between("0", "1"),
        help_text=_("A share of S (L: 0.1–0.3); between 0 and 1."),
    )
    # The employment-cost deduction is one setting, per member with wage income: the economic-status
    # check's PolicyLimits.employment_deduction (assessments), never a second one here.
    # Eligibility thresholds (docs/rules.md): every number of the eligibility rules is data.
    tekun_basic_factor = models.DecimalField(
        _("特困 basic living standard, at least this × S"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.3"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("5"))],
        help_text=_("特困人员认定办法 / 特困供养标准: at least 1.3 times the 低保 standard."),
    )
    marginal_income_factor = models.DecimalField(
        _("低保边缘: per-capita income below this × S"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.5"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("3"))],
        help_text=_("最低生活保障边缘家庭认定 (单人保): per-capita income at least S and below 1.5 × S."),
    )
    no_capacity_age_elderly = models.PositiveSmallIntegerField(
        _("no capacity to work from this age"),
        default=60,
        validators=[MinValueValidator(50), MaxValueValidator(80)],
        help_text=_("特困人员认定办法: persons aged 60 or older have no capacity to work."),
    )
    no_capacity_age_minor = models.PositiveSmallIntegerField(
        _("no capacity to work under this age"),
        default=16,
        validators=[MinValueValidator(1), MaxValueValidator(18)],
        help_text=_("特困人员认定办法: minors under 16 have no capacity to work."),
    )
    no_capacity_grade_mental = models.PositiveSmallIntegerField(
        _("no capacity to work: intellectual or mental disability up to grade"),
        default=3,
        validators=[MaxValueValidator(4)],
        help_text=_("特困人员认定办法: intellectual or mental disability grade 1–3 (0: none)."),
    )
    no_capacity_grade_limb = models.PositiveSmallIntegerField(
        _("no capacity to work: limb disability up to grade"),
        default=2,
        validators=[MaxValueValidator(4)],
        help_text=_("特困人员认定办法: limb disability grade 1–2 (0: none)."),
    )
    no_capacity_grade_vision = models.PositiveSmallIntegerField(
        _("no capacity to work: vision disability up to grade"),
        default=1,
        validators=[MaxValueValidator(4)],
        help_text=_("特困人员认定办法: vision disability grade 1 (0: none)."),
    )
    severe_disability_grade = models.PositiveSmallIntegerField(
        _("severe disability: any kind up to grade"),
        default=2,
        validators=[MaxValueValidator(4)],
        help_text=_("单人保 and the 分类施保 add-on: grade 1–2 disability is severe."),
    )
    severe_disability_grade_mental = models.PositiveSmallIntegerField(
        _("severe disability: intellectual or mental up to grade"),
        default=3,
        validators=[MaxValueValidator(4)],
        help_text=_("单人保: grade 3 intellectual or mental disability also counts as severe."),
    )
    addon_age_elderly = models.PositiveSmallIntegerField(
        _("分类施保 add-on for members from this age"),
        default=70,
        validators=[MinValueValidator(50), MaxValueValidator(100)],
        help_text=_("分类施保: members aged 70 or older."),
    )
    addon_age_minor = models.PositiveSmallIntegerField(
        _("分类施保 add-on for members under this age"),
        default=18,
        validators=[MinValueValidator(1), MaxValueValidator(18)],
        help_text=_("分类施保: minors (under 18)."),
    )
    # 医疗救助
    medical_ratio_dibao = models.DecimalField(
        _("medical aid ratio, 低保 inpatient"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.85"),
        validators=_between("0", "1"),
        help_text=_("The seed: 85%; between 0 and 1."),
    )
    medical_ratio_tekun = models.DecimalField(
        _("medical aid ratio, 特困"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("1.00"),
        validators=_between("0", "1"),
        help_text=_("The seed: 100%; between 0 and 1."),
    )
    medical_deductible_dibao = models.DecimalField(
        _("medical deductible, 低保 (yuan/year)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=_between("0", "100000"),
        help_text=_("N4: at most 5% of last year's per-capita disposable income; 0 to 100,000."),
    )
    medical_annual_cap = models.DecimalField(
        _("medical aid yearly cap (yuan)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("50000"),
        validators=_between("0", "10000000"),
        help_text=_("Set by the county (N4); 0 to 10,000,000 yuan."),
    )
    medical_ratio_dibao_outpatient = models.DecimalField(
        _("medical aid ratio, 低保 outpatient"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.5"),
        validators=_between("0", "1"),
        help_text=_("Local practice (L): the seed sets no 低保 outpatient ratio; between 0 and 1."),
    )
    medical_contribution = models.DecimalField(
        _("resident medical scheme individual contribution (yuan/year)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("400"),
        validators=_between("0", "10000"),
        help_text=_("The year's individual contribution, paid in full for 特困 (the seed); 0 to 10,000."),
    )
    medical_contribution_dibao = models.DecimalField(
        _("contribution subsidy per 低保 member (yuan/year)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("200"),
        validators=_between("0", "10000"),
        help_text=_("The seed: a fixed amount per 低保 member (L: 200); never above the contribution; 0 to 10,000."),
    )
    # 临时救助
    temporary_cap_months = models.DecimalField(
        _("temporary aid cap, in months of S"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=_between("0", "120"),
        help_text=_("Local practice (L): 10 months of S; 0 to 120."),
    )
    temporary_township_limit = models.DecimalField(
        _("temporary aid township approval limit (yuan)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("1000"),
        validators=_between("0", "10000000"),
        help_text=_("Above it the county approves (N3); 0 to 10,000,000 yuan."),
    )
    temporary_emergency_hours = models.PositiveSmallIntegerField(
        _("emergency grant within (hours)"),
        default=48,
        validators=_between(1, 240),
        help_text=_("Local practice (L): the township pays 先行救助 within 48 hours; 1 to 240."),
    )
    temporary_supplement_days = models.PositiveSmallIntegerField(
        _("remaining steps 补办 within (working days)"),
        default=5,
        validators=_between(1, 60),
        help_text=_("Local practice (L): 5 working days after an emergency grant; 1 to 60."),
    )
    # Procedure
    spot_check_ratio = models.DecimalField(
        _("county spot-check ratio"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.5"),
        validators=_between("0", "1"),
        help_text=_(
            "The county checks at least this share of new cases (低保: one half); also used for a year without a standard."
        ),
    )
    notice_days = models.PositiveSmallIntegerField(
        _("public notice period (days)"),
        default=7,
        validators=_between(1, 60),
        help_text=_("N1: 7 days; 1 to 60."),
    )
    evaluation_required = models.BooleanField(_("democratic evaluation required"), default=True)
    investigation_start_days = models.PositiveSmallIntegerField(
        _("investigation starts within (working days)"),
        default=3,
        validators=_between(1, 60),
        help_text=_("N1: 3 working days; 1 to 60."),
    )
    decision_days = models.PositiveSmallIntegerField(
        _("decision within (working days of acceptance)"),
        default=30,
        validators=_between(1, 120),
        help_text=_("N1: 30 working days; 1 to 120."),
    )
    decision_days_extended = models.PositiveSmallIntegerField(
        _("decision within, extended (working days)"),
        default=45,
        validators=_between(1, 180),
        help_text=_("N1: 45 working days; not below the normal period; at most 180."),
    )
    township_opinion_days = models.PositiveSmallIntegerField(
        _("township opinion within (working days)"),
        default=15,
        validators=_between(1, 60),
        help_text=_("N2: 15 working days; 1 to 60."),
    )
    county_decision_days = models.PositiveSmallIntegerField(
        _("county decision within (working days of receipt)"),
        default=10,
        validators=_between(1, 60),
        help_text=_("N1: 10 working days (N2: 15 for 特困); 1 to 60."),
    )
    written_notice_days = models.PositiveSmallIntegerField(
        _("written notice within (working days)"),
        default=3,
        validators=_between(1, 30),
        help_text=_("N1: 3 working days; 1 to 30."),
    )
    phase_out_months = models.PositiveSmallIntegerField(
        _("phase-out period (months)"),
        default=6,
        validators=_between(1, 12),
        help_text=_("N1: 6 months by default; 1 to 12 (L)."),
    )
    review_months_key = models.PositiveSmallIntegerField(
        _("re-verification interval, key and long-term (months)"),
        default=12,
        validators=_between(1, 24),
        help_text=_("N1: once a year; 1 to 24."),
    )
    review_months_general = models.PositiveSmallIntegerField(
        _("re-verification interval, general (months)"),
        default=6,
        validators=_between(1, 24),
        help_text=_("N1: every 6 months; 1 to 24."),
    )
    # After an upheld objection: the township's new opinion within (N1 / 特困人员认定办法: 15 working days).
    objection_opinion_days = models.PositiveSmallIntegerField(
        _("new township opinion after an upheld objection within (working days)"),
        default=15,
        validators=_between(1, 60),
        help_text=_("An upheld objection: the township's new opinion within 15 working days (N1, 特困人员认定办法)."),
    )
    notice_minor_age = models.PositiveSmallIntegerField(
        _("特困 notices do not list persons under (years)"),
        default=18,
        validators=_between(1, 18),
        help_text=_("Minors are not listed on 特困 public notices (local practice; 未成年人保护法: their privacy)."),
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        ordering = ["-year", "programme"]
        constraints = [models.UniqueConstraint(fields=["programme", "year"], name="standard_one_per_programme_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_programme_display()} v{self.version}"

    def clean(self) -> None:
        super().clean()
        if (
            self.decision_days is not None
            and self.decision_days_extended is not None
            and self.decision_days_extended < self.decision_days
        ):
            raise ValidationError(
                {"decision_days_extended": _("The extended period cannot be shorter than the normal one.")}
            )

    def snapshot(self) -> dict:
        """The numbers a decision used, stored beside it."""
        data = {"standard_id": self.pk, "year": self.year, "version": self.version}
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if isinstance(value, Decimal):
                data[field.name] = str(value)
            elif isinstance(value, bool | int) and field.name not in ("id", "year", "version"):
                data[field.name] = value
        return data


class Holiday(models.Model):
    """Public holidays (and make-up working days 调休) for working-day deadlines: policy data.

    Loaded from the State Council's yearly schedule as published in the `chinesecalendar`
    package (`load_holidays`); the bureau may correct or add days in the admin, and such a
    row is never overwritten by a later load."""

    class Source(models.TextChoices):
        OFFICIAL = "chinesecalendar", _("State Council schedule (chinesecalendar)")
        MANUAL = "manual", _("Entered by the bureau")

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=64, validators=[validate_plain_text])
    is_working_day = models.BooleanField(_("make-up working day"), default=False)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.MANUAL, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACCEPTED = "accepted", _("Accepted")
    INVESTIGATING = "investigating", _("Investigating")
    EVALUATING = "evaluating", _("Democratic evaluation")
    TOWNSHIP_REVIEW = "township_review", _("Township review")
    PUBLIC_NOTICE = "public_notice", _("Public notice")
    COUNTY_REVIEW = "county_review", _("County review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for rework")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Accepted and not yet decided: the statuses in which deadlines run and a second application waits.
IN_PROCEDURE = frozenset(
    {
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.INVESTIGATING,
        ApplicationStatus.EVALUATING,
        ApplicationStatus.TOWNSHIP_REVIEW,
        ApplicationStatus.PUBLIC_NOTICE,
        ApplicationStatus.COUNTY_REVIEW,
    }
)


class ReasonCode(models.TextChoices):
    INCOME_ABOVE_STANDARD = "income_above_standard", _("Income above the standard")
    ASSETS_ABOVE_LIMITS = "assets_above_limits", _("Assets above the limits")
    FALSE_DECLARATION = "false_declaration", _("False or concealed declaration")
    NOT_ELIGIBLE_PERSON = "not_eligible_person", _("Does not meet the conditions of the programme")
    DOCUMENTS_MISSING = "documents_missing", _("Documents or signatures missing")
    FACTS_UNCLEAR = "facts_unclear", _("Facts unclear, investigate again")
    CIRCUMSTANCES_CHANGED = "circumstances_changed", _("Circumstances changed")
    REFUSED_WORK = "refused_work", _("Refused suitable work without good reason")
    MOVED_OR_DECEASED = "moved_or_deceased", _("Moved away or deceased")
    OTHER = "other", _("Other")


class Application(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="applications", verbose_name=_("household")
    )
    # Kept on the application for scoping without a join, and because the household cannot change township.
    township_id = models.IntegerField(_("township"), db_index=True)
    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, editable=False
    )
    applicant_name = models.CharField(_("applicant"), max_length=64)
    reason = models.TextField(_("reason for applying"), blank=True)
    # Single-person coverage 单人保 (N5): the only exception to per-household coverage.
    single_member = models.ForeignKey(
        "households.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("single member covered (单人保)"),
    )
    # 备案: a member is a close relative of a civil-affairs worker or village cadre (N1).
    filed = models.BooleanField(_("filed (备案)"), default=False, editable=False)
    filed_reasons = models.JSONField(_("filing reasons"), default=list, blank=True, editable=False)
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("economic-status assessment"),
    )
    # Proposed by the township reviewer (amount computed by benefits.rules from the assessment).
    township_opinion = models.TextField(_("township opinion"), blank=True, editable=False)
    proposed_classification = models.CharField(
        _("proposed classification"), max_length=16, choices=Classification.choices, blank=True, editable=False
    )
    proposed_amount = models.DecimalField(
        _("proposed monthly amount"), max_digits=10, decimal_places=2, null=True, blank=True, editable=False
    )
    amount_explanation = models.TextField(_("amount explanation"), blank=True, editable=False)
    standard_snapshot = models.JSONField(_("standard used"), default=dict, blank=True, editable=False)
    # 特困: the three conditions as checked at township approval, each with its evidence.
    eligibility = models.JSONField(_("eligibility as checked"), default=list, blank=True, editable=False)
    # 特困: the self-care ability the proposed amount used (a recompute needs it again).
    care_level = models.CharField(_("self-care ability"), max_length=16, blank=True, editable=False)
    # Set by the county's spot-check draw (audits), read by the county-approval guard.
    spot_check_required = models.BooleanField(_("in the spot-check sample"), default=False, editable=False)
    deadline_extended = models.BooleanField(_("decision deadline extended"), default=False, editable=False)
    extension_reason = models.TextField(_("reason for the extension"), blank=True, editable=False)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("extended by"),
    )
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True, editable=False)
    # When the latest upheld objection sent the case back: the new township opinion is due from it.
    objection_upheld_at = models.DateTimeField(_("objection upheld"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True, editable=False)
    received_by_county_at = models.DateTimeField(_("received by the county"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    # Optimistic lock: every transition bumps it with a compare-and-swap.
    version = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["township_id", "status"])]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} · {self.applicant_name} · #{self.pk}"


class Obligor(models.Model):
    """One 法定赡养、抚养、扶养义务人 of a 特困 applicant, and whether they can support them (N2).

    Recorded by the caseworker during the investigation; the third 特困 condition holds when there
    is none or every one is unable, each with the reason."""

    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("Spouse (配偶)")
        PARENT = "parent", _("Parent (父母)")
        CHILD = "child", _("Child (子女)")
        GRANDPARENT = "grandparent", _("Grandparent (祖父母、外祖父母)")
        GRANDCHILD = "grandchild", _("Grandchild (孙子女、外孙子女)")
        SIBLING = "sibling", _("Sibling (兄弟姐妹)")
        OTHER = "other", _("Other obligor (其他义务人)")

    class Inability(models.TextChoices):
        TEKUN = "tekun", _("Is a 特困 supported person")
        DIBAO = "dibao", _("Receives 低保")
        SEVERE_DISABILITY = "severe_disability", _("Severely disabled")
        SERIOUS_ILLNESS = "serious_illness", _("Seriously ill")
        NO_CAPACITY = "no_capacity", _("Elderly or without capacity to work, no income")
        OTHER = "other", _("Other reason (explain)")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="obligors", verbose_name=_("application")
    )
    name = models.CharField(_("name"), max_length=64)
    relation = models.CharField(_("relation to the applicant"), max_length=16, choices=Relation.choices)
    can_support = models.BooleanField(_("able to support"))
    inability = models.CharField(_("why unable"), max_length=20, choices=Inability.choices, blank=True)
    note = models.TextField(_("evidence and explanation"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("obligor")
        verbose_name_plural = _("obligors")
        ordering = ["application_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(can_support=True, inability="") | Q(can_support=False) & ~Q(inability=""),
                name="obligor_inability_when_unable",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()} {self.name}"


class Transition(models.Model):
    """One move of an application (append-only): from, to, who, when, why."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from"), max_length=20, choices=ApplicationStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("actor")
    )
    reason_code = models.CharField(_("reason"), max_length=32, choices=ReasonCode.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


def upload_to_case(instance: models.Model, filename: str) -> str:
    return f"cases/{timezone.now():%Y/%m}/{filename}"


class DemocraticEvaluation(models.Model):
    """民主评议: date, place, participants, outcome and votes, minutes uploaded."""

    class Outcome(models.TextChoices):
        AGREED = "agreed", _("Agreed")
        DISAGREED = "disagreed", _("Not agreed")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="evaluations")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=120)
    participants = models.TextField(_("participants"))
    participant_count = models.PositiveSmallIntegerField(_("number of participants"))
    votes_for = models.PositiveSmallIntegerField(_("votes for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), default=0)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    minutes = models.FileField(_("minutes (scan)"), upload_to=upload_to_case, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("democratic evaluation")
        verbose_name_plural = _("democratic evaluations")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.place}"


class PublicNotice(models.Model):
    """公示 of one application. Shows only village, name, household size, programme, amount."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="notices")
    village_id = models.IntegerField(db_index=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    household_size = models.PositiveSmallIntegerField(_("household size"))
    proposed_amount = models.DecimalField(_("proposed monthly amount"), max_digits=10, decimal_places=2)
    superseded = models.BooleanField(_("superseded by a new notice"), default=False)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return f"{self.starts_on}–{self.ends_on} #{self.application_id}"


class Objection(models.Model):
    """异议 raised during a notice, and how it was resolved."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="objections")
    raised_by = models.CharField(_("raised by"), max_length=64)
    contact = models.CharField(_("contact"), max_length=64, blank=True)
    content = models.TextField(_("objection"))
    raised_on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN, editable=False)
    resolution = models.TextField(_("resolution"), blank=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["raised_on", "id"]

    def __str__(self) -> str:
        return f"{self.raised_on} {self.raised_by}"


class CountyVisit(models.Model):
    """The county's home visit 入户抽查 before approval (spot-check, 备案 and complained cases)."""

    class Result(models.TextChoices):
        CONFIRMED = "confirmed", _("Matches the township's findings")
        DISCREPANCY = "discrepancy", _("Discrepancy found")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="county_visits")
    visited_on = models.DateField(_("date"))
    visitors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("visitors"))
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(_("recorded"), default=timezone.now)
    # A discrepancy blocks approval until the case is returned, or the reviewer records here why
    # eligibility stands nonetheless (a reasoned, audited override).
    override_reason = models.TextField(_("why eligibility stands"), blank=True, editable=False)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    override_at = models.DateTimeField(_("override recorded"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("county home visit")
        verbose_name_plural = _("county home visits")
        ordering = ["-visited_on"]

    def __str__(self) -> str:
        return f"{self.visited_on} #{self.application_id}"


class BenefitStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PHASING_OUT = "phasing_out", _("Phasing out (渐退)")
    SUSPENDED = "suspended", _("Suspended")
    STOPPED = "stopped", _("Stopped")


# The one definition of a benefit's state across apps: covered (and paid) while active or phasing
# out; running (the household has it, 不重复享受) also while suspended. Import these; keep no copies.
COVERED_STATUSES = frozenset({BenefitStatus.ACTIVE, BenefitStatus.PHASING_OUT})
RUNNING_STATUSES = frozenset({*COVERED_STATUSES, BenefitStatus.SUSPENDED})


class Benefit(models.Model):
    """An approved (or migrated) benefit of a household. Its amount and status of any month are
    those of its decision in force that month (`BenefitChange`, see benefits/DECISIONS.md);
    `status` is kept equal to this month's decision by the services (and the daily task)."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="benefits", verbose_name=_("household")
    )
    township_id = models.IntegerField(_("township"), db_index=True)
    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=BenefitStatus.choices, default=BenefitStatus.ACTIVE, editable=False
    )
    classification = models.CharField(_("classification"), max_length=16, choices=Classification.choices, blank=True)
    # The numbers of the first decision (each decision keeps its own snapshot).
    standard_snapshot = models.JSONField(_("standard used"), default=dict, blank=True)
    covered_members = models.ManyToManyField(
        "households.Member", related_name="benefits_covering", verbose_name=_("covered members")
    )
    covered_count = models.PositiveSmallIntegerField(_("covered persons"))
    start_month = models.DateField(_("start month"))
    end_month = models.DateField(_("end month"), null=True, blank=True)
    phase_out_until = models.DateField(_("phase-out until"), null=True, blank=True)
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="benefit"
    )
    migrated = models.BooleanField(_("migrated from a legacy roll"), default=False, editable=False)
    migration_source = models.CharField(_("migration source"), max_length=200, blank=True, editable=False)
    next_review_due = models.DateField(_("re-verification due"), null=True, blank=True, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        ordering = ["-start_month", "-id"]
        constraints = [
            # One running benefit of a programme per household (按户施保); 特困 supports persons,
            # so two members may each have one (one per person is the services' guard).
            models.UniqueConstraint(
                fields=["household", "programme"],
                condition=Q(status__in=["active", "phasing_out", "suspended"]) & ~Q(programme="tekun"),
                name="benefit_one_running_per_household_programme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} · {self.household} · {self.start_month:%Y-%m}"

    # The decision in force: one rule for every channel (page, admin, API, roll, payments).
    # Read through the `changes` relation, so that a prefetch of `changes` answers it for lists.

    def decisions(self) -> list["BenefitChange"]:
        """Every decision in the order they take effect: by effective month, then as decided."""
        return sorted(self.changes.all(), key=lambda d: (d.effective_month, d.created, d.pk))

    def decision_in(self, month: datetime.date) -> "BenefitChange | None":
        """The decision in force in `month`: the last decided of those effective by then; None
        before the benefit starts."""
        month = month.replace(day=1)
        found = None
        for decision in self.decisions():
            if decision.effective_month > month:
                break
            found = decision
        return found

    def _shown_month(self, decisions: list["BenefitChange"]) -> datetime.date:
        # Before the start month, the first month of the benefit stands for "now".
        return max(clock.current_month(), decisions[0].effective_month)

    @property
    def current_decision(self) -> "BenefitChange | None":
        """This month's decision; before the start month, the start month's (what will be paid)."""
        decisions = self.decisions()
        return self.decision_in(self._shown_month(decisions)) if decisions else None

    @property
    def next_decision(self) -> "BenefitChange | None":
        """The decision already taken for a later month (the first month that changes)."""
        decisions = self.decisions()
        if not decisions:
            return None
        month = self._shown_month(decisions)
        later = [d for d in decisions if d.effective_month > month]
        return self.decision_in(later[0].effective_month) if later else None

    @property
    def monthly_amount(self) -> Decimal:
        decision = self.current_decision
        return decision.new_amount if decision is not None else Decimal("0")

    @property
    def amount_explanation(self) -> str:
        decision = self.current_decision
        return decision.explanation if decision is not None else ""

    @property
    def current_status(self) -> str:
        decision = self.current_decision
        return decision.new_status if decision is not None else self.status

    def get_current_status_display(self) -> str:
        return BenefitStatus(self.current_status).label


class ManualReason(models.TextChoices):
    """Why an amount is set by hand instead of by the rules (an exception, approved by the county)."""

    SPECIAL_HARDSHIP = "special_hardship", _("Special hardship not covered by the rules")
    REVIEW_DECISION = "review_decision", _("Set by an administrative review or a court")
    LEGACY_CORRECTION = "legacy_correction", _("Correction of a migrated amount")
    OTHER = "other", _("Other exception, explained")


class BenefitChange(models.Model):
    """One decision on a benefit (有进有出、有升有降): from its effective month, this status and
    amount, until a later decision. The first decision (grant) is the approval or the migration.

    Append-only: a decision is never edited; a later one replaces it from its own month, and a
    standard change re-states the decisions it affects (`supersedes`)."""

    class Kind(models.TextChoices):
        GRANT = "grant", _("Granted")
        RAISE = "raise", _("Raise")
        LOWER = "lower", _("Lower")
        SUSPEND = "suspend", _("Suspend")
        RESUME = "resume", _("Resume")
        PHASE_OUT = "phase_out", _("Phase out (渐退)")
        STOP = "stop", _("Stop")
        RECOMPUTE = "recompute", _("Recomputed for a new standard")

    class Basis(models.TextChoices):
        """Where the amount comes from."""

        ASSESSMENT = "assessment", _("Computed by the rules from an assessment")
        MANUAL = "manual", _("Manual adjustment")
        LEGACY = "legacy", _("Amount of a legacy roll")

    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    effective_month = models.DateField(_("effective month"))
    old_status = models.CharField(max_length=16, choices=BenefitStatus.choices, blank=True)
    new_status = models.CharField(max_length=16, choices=BenefitStatus.choices)
    old_amount = models.DecimalField(max_digits=10, decimal_places=2)
    new_amount = models.DecimalField(max_digits=10, decimal_places=2)
    explanation = models.TextField(_("explanation"), blank=True)
    basis = models.CharField(_("amount basis"), max_length=16, choices=Basis.choices, default=Basis.ASSESSMENT)
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessment the amount rests on"),
    )
    manual_reason = models.CharField(
        _("manual adjustment reason"), max_length=32, choices=ManualReason.choices, blank=True
    )
    care_level = models.CharField(_("self-care ability"), max_length=16, blank=True)
    standard_snapshot = models.JSONField(_("standard used"), default=dict, blank=True)
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("re-states")
    )
    # Set by bulk work (a standard's recompute) so that running it twice decides nothing twice.
    source_key = models.CharField(max_length=64, blank=True, editable=False)
    reason_code = models.CharField(_("reason"), max_length=32, choices=ReasonCode.choices, blank=True)
    reason = models.TextField(_("reason text"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["effective_month", "created", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(new_amount__gte=0), name="benefit_decision_amount_not_negative"),
            models.UniqueConstraint(
                fields=["benefit", "source_key", "effective_month"],
                condition=~Q(source_key=""),
                name="benefit_decision_once_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_month:%Y-%m} {self.new_amount}"


class StopNotice(models.Model):
    """The public notice of a proposed stop of 特困 support (特困人员认定办法: 7 days in the village
    before the stop is decided). Shows the same fields as an application's notice."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Under public notice")
        DONE = "done", _("Stop decided")
        CANCELLED = "cancelled", _("Withdrawn")

    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="stop_notices")
    township_id = models.IntegerField(db_index=True)
    village_id = models.IntegerField(db_index=True)
    person_name = models.CharField(_("person"), max_length=64)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason_code = models.CharField(_("reason"), max_length=32, choices=ReasonCode.choices)
    reason = models.TextField(_("reason text"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    change = models.OneToOneField(
        BenefitChange, on_delete=models.PROTECT, null=True, blank=True, related_name="stop_notice"
    )
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("特困 stop notice")
        verbose_name_plural = _("特困 stop notices")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["benefit"], condition=Q(status="running"), name="stop_notice_one_running_per_benefit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on}–{self.ends_on} {self.person_name}"


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


# Payments live in their own module; imported here so that Django registers them with the app.
from .medical.models import MedicalClaim  # noqa: E402, F401
from .models_payments import (  # noqa: E402, F401
    FROZEN_BATCH_STATUSES,
    Bank,
    BankResultImport,
    BatchStatus,
    ItemKind,
    ItemResult,
    Payee,
    PaymentBatch,
    PaymentItem,
)
from .temporary.models import TemporaryCase, TemporaryPayment  # noqa: E402, F401
