from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_groups(sender, **kwargs) -> None:
    from .services import ensure_role_groups

    ensure_role_groups()


class SunwuReliefConfig(AppConfig):
    name = "sunwu_relief"
    verbose_name = _("System and audit")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (log-in events into the audit trail)

        post_migrate.connect(_sync_groups, dispatch_uid="sunwu_relief.sync_groups")
