"""The close-relatives register 近亲属备案 (docs/integrity.md) and the integrity settings.

Civil-affairs staff and village cadres are listed with their post and village; each registers
their close relatives by ID number under a relation from the relation list, which is data
(`RelationKind`, editable by the bureau). Rows are never deleted: a registration that ends is
dated (`removed_at`), so what was known when a case was worked stays answerable.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.ids import mask_id_number


class IntegritySettings(models.Model):
    """The numbers of the integrity checks and of complaint handling: one row (pk 1), edited by
    the bureau in the admin."""

    move_window_days = models.PositiveSmallIntegerField(
        _("a move this many days before applying is a finding"),
        default=180,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    coverage_factor = models.DecimalField(
        _("village coverage above the county's by this factor is a finding"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("2.00"),
        validators=[MinValueValidator(Decimal("1.01")), MaxValueValidator(Decimal("20"))],
    )
    coverage_min_members = models.PositiveSmallIntegerField(
        _("villages with fewer registered persons are not compared"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
    )
    complaint_answer_days = models.PositiveSmallIntegerField(
        _("a complaint is answered within (days)"),
        default=30,
        help_text=_("Calendar days from receipt; local practice (信访 at most 60)."),
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    # The public page's complaint form: at most this many from one address in an hour, and this
    # many from everyone in a day (a flood is refused, the telephone line still works).
    public_complaints_per_hour = models.PositiveSmallIntegerField(
        _("public complaints from one address per hour"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    public_complaints_per_day = models.PositiveSmallIntegerField(
        _("public complaints from everyone per day"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("integrity settings")
        verbose_name_plural = _("integrity settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class RelationKind(models.Model):
    """One relation of the close-relatives list (default: spouse; parents and parents-in-law;
    children and their spouses; siblings; grandparents; grandchildren)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=32)
    active = models.BooleanField(_("in the list"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("close-relative relation")
        verbose_name_plural = _("close-relative relations")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class PersonKind(models.TextChoices):
    CIVIL_AFFAIRS = "civil_affairs", _("Civil-affairs staff (民政工作人员)")
    VILLAGE_CADRE = "village_cadre", _("Village cadre (村（居）委会干部)")


class RegisteredPerson(models.Model):
    """A member of civil-affairs staff or a village cadre who must declare close relatives."""

    kind = models.CharField(_("kind"), max_length=16, choices=PersonKind.choices)
    name = models.CharField(_("name"), max_length=64)
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    post = models.CharField(_("post"), max_length=64)
    township = models.ForeignKey(
        "households.Township",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("township"),
    )
    village = models.ForeignKey(
        "households.Village",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("village"),
    )
    # The log-in of this person, when they have one: refused on cases of their relatives.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="integrity_person",
        verbose_name=_("log-in"),
    )
    left_on = models.DateField(_("left the post on"), null=True, blank=True)
    created = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("registered staff member or cadre")
        verbose_name_plural = _("registered staff and cadres")
        ordering = ["township_id", "village_id", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class RegisteredRelative(models.Model):
    """One declared close relative of a registered person, matched by ID number."""

    person = models.ForeignKey(
        RegisteredPerson, on_delete=models.PROTECT, related_name="relatives", verbose_name=_("staff member or cadre")
    )
    name = models.CharField(_("name"), max_length=64)
    id_number = models.CharField(_("ID number"), max_length=18, db_index=True)
    relation = models.ForeignKey(RelationKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("relation"))
    registered_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    removed_at = models.DateTimeField(_("registration ended"), null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    removal_reason = models.CharField(_("why it ended"), max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("registered close relative")
        verbose_name_plural = _("registered close relatives")
        ordering = ["person_id", "relation__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "id_number"],
                condition=Q(removed_at__isnull=True),
                name="relative_once_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.relation.name} {self.name}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)
