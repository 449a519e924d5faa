"""Programmes and each programme's yearly policy numbers (docs/rules.md: every number is policy)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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
    review_complete_days = models.PositiveSmallIntegerField(
        _("a re-verification is finished within (days)"),
        default=30,
        validators=_between(5, 90),
        help_text=_("Local practice (L): 30 days from when it falls due; 5 to 90. Later, it is listed as overdue."),
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
