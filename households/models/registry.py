"""Households and their members, and the moves of members between households."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sunwu_relief import clock

from ..ids import mask_id_number
from .places import Township, Village


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
    # On the registered-poor ledger (a record of the ID number, not removed): kept by
    # households.services.member_ledger_flags_refresh (the ledger import, every member write), so
    # that the dashboard's count of registered-poor households is an index count, not a join of
    # the registry with the ledger. Derived: not in the member's history.
    on_ledger = models.BooleanField(default=False, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["on_ledger"])

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
        indexes = [
            models.Index(fields=["name"]),
            # The registered-poor households: their current members on the ledger (a third of the registry).
            models.Index(
                fields=["household"], condition=Q(on_ledger=True, removed_on__isnull=True), name="member_on_ledger"
            ),
        ]

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
