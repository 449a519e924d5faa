from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sunwu_relief.authz import system
from sunwu_relief.services import api_tokens_revoke


class Command(BaseCommand):
    help = "Revoke every API token of a user (at once: the next request with one of them is a 401); audited."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        revoked = api_tokens_revoke(actor=system("command:revoke_api_tokens"), user=user)
        self.stdout.write(f"revoked {revoked} API token(s) of {username}")
