"""Staff profiles (role and township), the audit trail and the access log.

The audit trail and the access log are append-only: rows are never updated or deleted
(网络安全法 Art 21, 等保2.0: records protected from change, kept at least 6 months).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # Township roles are bound to one township; county roles have none.
    township = models.ForeignKey(
        "households.Township",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("township"),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()})"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("append-only table")

    def delete(self):
        raise PermissionError("append-only table")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError("append-only table")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("append-only table")


class AuditEvent(AppendOnlyModel):
    """One user action: who, when, what, on which object, and whether it succeeded."""

    created = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("actor")
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    township_id = models.IntegerField(_("township"), null=True, blank=True, db_index=True)
    success = models.BooleanField(_("succeeded"), default=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class AccessLog(AppendOnlyModel):
    """Who opened a record with full ID numbers or health data (PIPL processing record).

    One row per request: a page of one object names it in `object_id`; a list names every
    object shown in `object_ids` (and leaves `object_id` empty)."""

    created = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("user"))
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_ids = models.JSONField(_("objects shown"), default=list, blank=True)
    channel = models.CharField(_("channel"), max_length=16)  # ui, api, admin
    full_id_numbers = models.BooleanField(_("full ID numbers shown"), default=False)
    health_data = models.BooleanField(_("health data shown"), default=False)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.user_id} {self.object_type}#{self.object_id}"


class Job(models.Model):
    """A long piece of work (import, reconciliation, roll, bulk recompute) run by a Celery task.

    The row is written in the same transaction as the request that asks for the work, so a
    broker outage loses nothing; the task claims it (pending → running) with a compare-and-swap
    so a redelivered message does not run it twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=48, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("created by")
    )
    township_id = models.IntegerField(_("township"), null=True, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    input_file = models.FileField(_("input file"), upload_to="jobs/%Y/%m/", blank=True)
    rows_total = models.PositiveIntegerField(_("rows in all"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    result_file = models.FileField(_("result file"), upload_to="jobs/%Y/%m/", blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    # Runs begun: 1 after the claim, more when a worker was lost while running it (jobs.job_claim).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The Celery task that runs it (jobs.job_enqueue), so that a job whose message could not be sent
    # is sent again later; and when that last failed (the broker was down), None once sent.
    task = models.CharField(_("task"), max_length=120, blank=True)
    queue_failed = models.DateTimeField(_("could not be queued at"), null=True, blank=True)
    # A part of a job split by township (jobs.job_fan_out): the parent finishes when all its parts have.
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="parts", verbose_name=_("part of")
    )

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "township_id"], name="job_one_part_per_township"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"
