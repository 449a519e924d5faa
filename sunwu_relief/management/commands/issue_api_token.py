from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sunwu_relief.authz import system
from sunwu_relief.roles import role_of
from sunwu_relief.services import api_token_issue


class Command(BaseCommand):
    help = (
        "Print a new API token for a user (hashed at rest, expiring); the token is the last line. "
        "Older tokens stay valid (so that a client can switch over) unless --revoke-old is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--revoke-old", action="store_true", help="revoke the user's existing tokens before issuing the new one"
        )

    def handle(self, *args, username: str, revoke_old: bool = False, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        if role_of(user) is None:
            raise CommandError(f"{username!r} has no role; give one with add_user first")
        issued = api_token_issue(actor=system("command:issue_api_token"), user=user, revoke_old=revoke_old)
        if revoke_old:
            self.stdout.write(f"revoked {issued.revoked} older API token(s)")
        expiry = f"{issued.expiry:%Y-%m-%d}" if issued.expiry else "never"
        self.stdout.write(f"token for {username} (expires {expiry}):")
        self.stdout.write(issued.token)
