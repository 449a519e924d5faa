from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from knox.models import AuthToken

from sunwu_relief.audit import record_event
from sunwu_relief.roles import role_of
from sunwu_relief.services import api_tokens_revoke


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
        if revoke_old:
            revoked = api_tokens_revoke(actor=None, user=user)
            self.stdout.write(f"revoked {revoked} older API token(s)")
        instance, token = AuthToken.objects.create(user=user)
        record_event(actor=None, action="api_token.issue", obj=user, token_prefix=instance.token_key)
        expiry = f"{instance.expiry:%Y-%m-%d}" if instance.expiry else "never"
        self.stdout.write(f"token for {username} (expires {expiry}):")
        self.stdout.write(token)
