"""Townships, villages, households and their members; the poverty office's ledger records."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sunwu_relief import clock
from sunwu_relief.text import validate_plain_text

from .ids import mask_id_number

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


class Classification(models.TextChoices):
    KEY = "key", _("Key household (重点保障户)")
    LONG_TERM = "long_term", _("Long-term household (长期保障户)")
    GENERAL = "general", _("General household (一般保障户)")


class Household(models.Model):
    number = models.CharField(_("household number"), max_length=32, unique=True)
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="households", verbose_name=_("township")
    )
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="households", verbose_name=_("village"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    hukou_number = models.CharField(_("household registration number"), max_length=32, blank=True)
    classification = models.CharField(_("classification"), max_length=16, choices=Classification.choices, blank=True)
    classification_reason = models.TextField(_("classification reason"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["township__code", "number"]
        permissions = [
            ("view_full_id_number", _("Can see full ID numbers")),
            ("view_health_data", _("Can see health and disability data")),
        ]
        indexes = [models.Index(fields=["township", "village"])]

    def __str__(self) -> str:
        return self.number


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of household (户主)")
    SPOUSE = "spouse", _("Spouse (配偶)")
    SON = "son", _("Son (之子)")
    DAUGHTER = "daughter", _("Daughter (之女)")
    DAUGHTER_IN_LAW = "daughter_in_law", _("Daughter-in-law (之儿媳)")
    SON_IN_LAW = "son_in_law", _("Son-in-law (之女婿)")
    GRANDSON = "grandson", _("Grandson (之孙子)")
    GRANDDAUGHTER = "granddaughter", _("Granddaughter (之孙女)")
    FATHER = "father", _("Father (之父)")
    MOTHER = "mother", _("Mother (之母)")
    SIBLING = "sibling", _("Sibling (之兄弟姐妹)")
    OTHER = "other", _("Other (其他)")


class LabourCapacity(models.TextChoices):
    NORMAL = "normal", _("Ordinary labour (普通劳动力)")
    SKILLED = "skilled", _("Skilled labour (技能劳动力)")
    WEAK = "weak", _("Weak or half labour (弱劳动力或半劳动力)")
    LOST = "lost", _("Lost labour capacity (丧失劳动力)")
    NONE = "none", _("No labour capacity (无劳动力)")


class DisabilityKind(models.TextChoices):
    VISION = "vision", _("Vision (视力)")
    HEARING = "hearing", _("Hearing (听力)")
    SPEECH = "speech", _("Speech (言语)")
    LIMB = "limb", _("Limb (肢体)")
    INTELLECTUAL = "intellectual", _("Intellectual (智力)")
    MENTAL = "mental", _("Mental (精神)")
    MULTIPLE = "multiple", _("Multiple (多重)")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class RemovalReason(models.TextChoices):
    DEATH = "death", _("Death (死亡)")
    MARRIED_OUT = "married_out", _("Married out (婚嫁迁出)")
    MOVED_AWAY = "moved_away", _("Moved away (迁出)")


class CurrentMemberManager(models.Manager):
    """Members who still belong to their household; removed ones stay in the table and its history."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(removed_on__isnull=True)


class Member(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("household")
    )
    name = models.CharField(_("name"), max_length=64)
    # Unique among current members: a person belongs to one household at a time (按户施保, no
    # 拆户/并户); a removed member's row is kept, so the person may be registered again elsewhere.
    id_number = models.CharField(_("ID number"), max_length=18, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    relationship = models.CharField(_("relationship to head"), max_length=20, choices=Relationship.choices)
    labour_capacity = models.CharField(_("labour capacity"), max_length=12, choices=LabourCapacity.choices, blank=True)
    serious_illness = models.BooleanField(_("serious illness"), default=False)
    illness_note = models.CharField(_("illness"), max_length=200, blank=True)
    disability_kind = models.CharField(_("disability kind"), max_length=16, choices=DisabilityKind.choices, blank=True)
    disability_grade = models.PositiveSmallIntegerField(
        _("disability grade"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    phone = models.CharField(_("telephone"), max_length=20, blank=True)
    # Pinyin initials of the name, for searching (张三 → zs).
    name_initials = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # Removal from the household (death, marriage out, moved away): dated, the row kept.
    removed_on = models.DateField(_("removed on"), null=True, blank=True, editable=False)
    removal_reason = models.CharField(
        _("reason for removal"), max_length=16, choices=RemovalReason.choices, blank=True, editable=False
    )
    removal_note = models.CharField(_("removal note"), max_length=200, blank=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = CurrentMemberManager()
    all_objects = models.Manager()  # noqa: DJ012  (the default manager above is a custom class)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["household_id", "id"]
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=Q(removed_on__isnull=True), name="member_id_number_unique_current"
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(relationship="head", removed_on__isnull=True),
                name="member_one_head_per_household",
            ),
            models.CheckConstraint(
                condition=Q(disability_grade__isnull=True) | Q(disability_grade__gte=1, disability_grade__lte=4),
                name="member_disability_grade_range",
            ),
            models.CheckConstraint(
                condition=Q(disability_kind="", disability_grade__isnull=True)
                | (~Q(disability_kind="") & Q(disability_grade__isnull=False)),
                name="member_disability_kind_and_grade_together",
            ),
        ]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def age(self) -> int:
        """Age in whole years today: what is shown beside a masked ID number instead of the birth
        date, which is exactly the 8 digits the mask hides."""
        return self.age_on(clock.today())

    def age_on(self, day: datetime.date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class MemberMove(models.Model):
    """A member moved between households, with the reason (append-only in practice)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="moves", verbose_name=_("member"))
    from_household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="moves_out", verbose_name=_("from household")
    )
    to_household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="moves_in", verbose_name=_("to household")
    )
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("actor"))
    created = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("member move")
        verbose_name_plural = _("member moves")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.member} {self.from_household} → {self.to_household}"


class PovertyStatus(models.TextChoices):
    NOT_OUT = "not_out", _("Not out of poverty (未脱贫)")
    OUT = "out", _("Out of poverty (已脱贫)")


class PovertyAttribute(models.TextChoices):
    GENERAL = "general", _("General poor household (一般贫困户)")
    DIBAO = "dibao", _("Dibao poor household (低保贫困户)")
    TEKUN = "tekun", _("Extreme-poverty supported household (特困供养贫困户)")


class PovertyCause(models.TextChoices):
    ILLNESS = "illness", _("Illness (因病)")
    DISABILITY = "disability", _("Disability (因残)")
    EDUCATION = "education", _("Education costs (因学)")
    DISASTER = "disaster", _("Disaster (因灾)")
    LAND = "land", _("Lack of land (缺土地)")
    WATER = "water", _("Lack of water (缺水)")
    SKILLS = "skills", _("Lack of skills (缺技术)")
    LABOUR = "labour", _("Lack of labour (缺劳力)")
    CAPITAL = "capital", _("Lack of capital (缺资金)")
    TRANSPORT = "transport", _("Poor transport (交通条件落后)")
    MOTIVATION = "motivation", _("Lack of own drive (自身发展动力不足)")
    OTHER = "other", _("Other (其他)")


class HealthStatus(models.TextChoices):
    HEALTHY = "healthy", _("Healthy (健康)")
    CHRONIC = "chronic", _("Chronic illness (长期慢性病)")
    SERIOUS = "serious", _("Serious illness (患有大病)")
    DISABLED = "disabled", _("Disabled (残疾)")


class LedgerRecord(models.Model):
    """One person of the poverty office's registered-poor ledger 建档立卡.

    The poverty office's data, kept apart from ours: written only by its imports
    (households.ledger), never by a form or the admin.
    """

    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=64)
    household_number = models.CharField(_("ledger household number"), max_length=64, db_index=True)
    relationship = models.CharField(_("relationship to head"), max_length=20, choices=Relationship.choices)
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    household_size = models.PositiveSmallIntegerField(_("household size"), null=True, blank=True)
    poverty_attribute = models.CharField(_("poverty attribute"), max_length=32, choices=PovertyAttribute.choices)
    poverty_status = models.CharField(_("poverty status"), max_length=8, choices=PovertyStatus.choices)
    exit_year = models.PositiveSmallIntegerField(_("exit year"), null=True, blank=True)
    poverty_cause = models.CharField(
        _("main cause of poverty"), max_length=32, choices=PovertyCause.choices, blank=True
    )
    labour_capacity = models.CharField(_("labour capacity"), max_length=32, choices=LabourCapacity.choices, blank=True)
    health = models.CharField(_("health"), max_length=16, choices=HealthStatus.choices, blank=True)
    removed = models.BooleanField(_("removed from the ledger"), default=False)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    # The import run that last saw this person, and where: finds the same ID twice in one file and,
    # with replace, the registrations absent from it.
    last_import = models.CharField(_("last import"), max_length=32, blank=True, db_index=True, editable=False)
    source_row = models.PositiveIntegerField(_("row in the last import"), null=True, blank=True, editable=False)
    created = models.DateTimeField(_("created"), default=timezone.now)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("registered-poor record")
        verbose_name_plural = _("registered-poor ledger")
        ordering = ["household_number", "id"]
        indexes = [models.Index(fields=["township", "removed"])]

    def __str__(self) -> str:
        return f"{self.household_number} {self.name}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)
