from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

PROJECT_APPS = ("sunwu_relief", "households", "assessments", "benefits", "audits")


def _translate_default_verbose_names() -> None:
    """A field declared without a verbose name is labelled with its bare English name
    ("household", "decided by"): route those through the catalogue, so the admin shows them in
    Chinese. Only the runtime label changes; migrations read the declared one."""
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if getattr(field, "_verbose_name", "?") is None and hasattr(field, "verbose_name"):
                    field.verbose_name = _(field.verbose_name)


def _user_str(user) -> str:
    return user.get_full_name() or user.username


class SunwuReliefConfig(AppConfig):
    name = "sunwu_relief"
    verbose_name = _("System and audit")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (log-in events into the audit trail)
        from .services import ensure_role_groups

        # One group per role, after every migrate (the permissions exist by then).
        post_migrate.connect(
            lambda sender, **kwargs: ensure_role_groups(), weak=False, dispatch_uid="sunwu_relief.sync_groups"
        )
        # Papers, timelines and admin lists name people by their real name (姓名, kept whole in
        # first_name), not by their log-in; the log-in shows only where no name was given.
        from django.contrib.auth import get_user_model

        get_user_model().__str__ = _user_str
        _translate_default_verbose_names()
