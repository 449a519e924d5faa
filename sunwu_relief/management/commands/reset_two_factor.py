from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sunwu_relief.authz import system
from sunwu_relief.services import otp_devices_reset


class Command(BaseCommand):
    help = (
        "Remove the two-factor devices of a user (a lost phone, too many wrong codes): at the next log-in "
        "they enrol an authenticator app again; audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        removed = otp_devices_reset(actor=system("command:reset_two_factor"), user=user)
        self.stdout.write(f"removed {removed} two-factor device(s) of {username}")
