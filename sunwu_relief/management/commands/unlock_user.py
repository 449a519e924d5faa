from django.core.management.base import BaseCommand, CommandParser

from sunwu_relief.authz import system
from sunwu_relief.services import login_unlock


class Command(BaseCommand):
    help = (
        "Lift the lock-out of a user name after too many failed log-ins. The bureau's "
        "administrators can do the same in the admin (登录失败记录 → 解锁)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        cleared = login_unlock(actor=system("command:unlock_user"), username=username)
        self.stdout.write(f"unlocked {username}: {cleared} lock-out record(s) cleared")
