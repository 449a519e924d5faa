"""django-axes (log-in lock-outs) under a Chinese name in the admin menu: its own app config has
no verbose name. Installed in place of "axes" (the label stays "axes")."""

from axes.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoginProtectionConfig(AppConfig):
    verbose_name = _("Log-in protection")
