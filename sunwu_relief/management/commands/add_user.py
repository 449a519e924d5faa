from django.core.management.base import BaseCommand, CommandError, CommandParser

from households.models import Township
from sunwu_relief.authz import system
from sunwu_relief.errors import DomainError
from sunwu_relief.roles import TOWNSHIP_ROLES, Role
from sunwu_relief.services import staff_create_or_update


class Command(BaseCommand):
    help = "Create or update a user with one role (docs/interfaces.md §3)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--township", help="township name, required for township roles")
        parser.add_argument("--password")
        parser.add_argument("--name", help="the person's real name (姓名), printed on papers and timelines")

    def handle(
        self,
        *args,
        username: str,
        role: str,
        township: str | None,
        password: str | None,
        name: str | None = None,
        **options,
    ) -> None:
        place = None
        if role in TOWNSHIP_ROLES:
            if not township:
                raise CommandError(f"--township is required for the role {role}")
            place = Township.objects.filter(name=township.strip()).first()
            if place is None:
                names = "、".join(Township.objects.values_list("name", flat=True))
                raise CommandError(f"unknown township {township!r}; known: {names}")
        elif township:
            raise CommandError(f"the role {role} is county-wide and takes no --township")
        try:
            user, created = staff_create_or_update(
                actor=system("command:add_user"),
                username=username,
                role=role,
                township=place,
                password=password,
                name=name,
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.field_errors}") from exc
        verb = "created" if created else "updated"
        where = f" in {place.name}" if place else ""
        named = f" ({user.get_full_name()})" if user.get_full_name() else ""
        self.stdout.write(f"{verb} {user.username}{named}: {role}{where}")
