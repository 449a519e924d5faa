"""The demo county (docs/interfaces.md §3): deterministic, and a no-op on a seeded database."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from assessments.demo import seed_assessments
from audits.demo_ledger import seed_ledger
from audits.integrity.demo import seed_integrity
from audits.services import spot_check_draw
from benefits.carehomes.demo import seed_care
from benefits.demo import seed_cases, seed_claims, seed_migrated, seed_scenarios, seed_temporary
from benefits.demo.synthetic import GIVEN, SURNAMES, iter_households
from benefits.intake.demo import seed_intake
from benefits.payments.demo import seed_payments
from benefits.reviews.demo import seed_reviews
from benefits.services import holidays_load
from households import services as household_services
from households.models import Household, LabourCapacity, Relationship, Township
from sunwu_relief.authz import system
from sunwu_relief.roles import Role
from sunwu_relief.services import staff_create_or_update

DEMO_PASSWORD = "sunwu-demo-2026"
SEED = system("command:seed_demo")
# A fixed "today" keeps the same seed producing the same people whatever the date.
DEMO_TODAY = datetime.date(2026, 6, 1)


def township_usernames(township: Township, index: int) -> list[tuple[str, str]]:
    # A second caseworker per township: a household visit needs two investigators, and the
    # township reviewer, who reviews the case afterwards, must not be one of them.
    return [
        (Role.CASEWORKER, f"caseworker{index}"),
        (Role.CASEWORKER, f"caseworker{index}b"),
        (Role.TOWNSHIP_REVIEWER, f"reviewer{index}"),
    ]


# Households built ready for a case (benefits.demo.seed_scenarios): one per status of the plan,
# and elderly people living alone for 特困; only in a demo of at least SCENARIOS_FROM households.
SCENARIOS = 18
TEKUN_SCENARIOS = 3
SCENARIOS_FROM = 40


def demo_name(username: str) -> str:
    """A made-up real name for a demo user, the same for the same log-in on every machine."""
    rng = random.Random(f"demo-user:{username}")
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


COUNTY_USERS = {Role.BUREAU_REVIEWER: "bureau", Role.AUDITOR: "auditor", Role.POVERTY_OFFICE: "poverty"}
# A second bureau reviewer: payment batches are approved by a user other than their preparer.
PAYMENT_CHECKER = "bureau2"


class Command(BaseCommand):
    help = "Load the demo county: townships' users and households with members."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, default=300)
        parser.add_argument("--seed", type=int, default=2016)

    def handle(self, *args, households: int, seed: int, **options) -> None:
        townships = list(Township.objects.order_by("code"))
        logins = self._users(townships)
        # The official holiday calendar (the migrations load it too; this catches a newer package).
        holidays_load(actor=system("command:seed_demo"))
        if Household.objects.exists():
            self.stdout.write("The database is already seeded: nothing changed.")
        else:
            self._contacts(townships)
            # From SCENARIOS_FROM households on, some are built ready for a case in each status.
            scenarios = SCENARIOS + TEKUN_SCENARIOS if households >= SCENARIOS_FROM else 0
            self._households(townships, households - scenarios, seed)
            self._casework(townships, seed)
            self.stdout.write(f"Created {Household.objects.count()} households with assessments, cases and benefits.")
        self.stdout.write(f"\nDemo log-ins (password for all: {DEMO_PASSWORD}):")
        for username, description in logins:
            self.stdout.write(f"  {username:<14} {description}")

    def _users(self, townships: list[Township]) -> list[tuple[str, str]]:
        existing = set(get_user_model().objects.values_list("username", flat=True))
        logins = []
        with transaction.atomic():
            for role, username in COUNTY_USERS.items():
                if username not in existing:
                    staff_create_or_update(
                        actor=SEED, username=username, role=role, password=DEMO_PASSWORD, name=demo_name(username)
                    )
                logins.append((username, f"{demo_name(username)} · {Role(role).label}"))
            if PAYMENT_CHECKER not in existing:
                staff_create_or_update(
                    actor=SEED,
                    username=PAYMENT_CHECKER,
                    role=Role.BUREAU_REVIEWER,
                    password=DEMO_PASSWORD,
                    name=demo_name(PAYMENT_CHECKER),
                )
            logins.append((PAYMENT_CHECKER, f"{demo_name(PAYMENT_CHECKER)} · {Role.BUREAU_REVIEWER.label}"))
            for index, township in enumerate(townships, start=1):
                for role, username in township_usernames(township, index):
                    if username not in existing:
                        staff_create_or_update(
                            actor=SEED,
                            username=username,
                            role=role,
                            township=township,
                            password=DEMO_PASSWORD,
                            name=demo_name(username),
                        )
                    logins.append((username, f"{demo_name(username)} · {Role(role).label} · {township.name}"))
        return logins

    def _contacts(self, townships: list[Township]) -> None:
        """Each township's service-centre telephone, as an example number (never an invented
        real one: the local part begins with 0); the bureau replaces them in the admin."""
        bureau = get_user_model().objects.get(username=COUNTY_USERS[Role.BUREAU_REVIEWER])
        for index, township in enumerate(townships, start=1):
            if not township.service_telephone:
                household_services.township_contact_save(
                    actor=bureau,
                    township=township,
                    service_address=township.service_address,
                    service_telephone=f"0456-00000{index:02d}",
                )

    @transaction.atomic
    def _households(self, townships: list[Township], count: int, seed: int) -> None:
        rng = random.Random(seed + 1)
        users = get_user_model().objects
        caseworkers = {t.pk: users.get(username=f"caseworker{i}") for i, t in enumerate(townships, start=1)}
        villages = {t.pk: list(t.villages.order_by("id")) for t in townships}
        for people in iter_households(seed, count, DEMO_TODAY):
            township = rng.choice(townships)
            village = rng.choice(villages[township.pk])
            actor = caseworkers[township.pk]
            head, *others = people
            household = household_services.household_create(
                actor=actor,
                village=village,
                address=f"{village.name}{rng.randint(1, 12)}组{rng.randint(1, 80)}号",
                hukou_number=f"{rng.randrange(10**8, 10**9)}",
                head=household_services.MemberData(
                    name=head.name,
                    id_number=head.id_number,
                    relationship=Relationship.HEAD,
                    labour_capacity=rng.choice(LabourCapacity.values),
                ),
            )
            for person in others:
                disabled = rng.random() < 0.08
                household_services.member_add(
                    actor=actor,
                    household=household,
                    data=household_services.MemberData(
                        name=person.name,
                        id_number=person.id_number,
                        relationship=person.relationship,
                        labour_capacity=rng.choice(LabourCapacity.values),
                        serious_illness=rng.random() < 0.07,
                        disability_kind="limb" if disabled else "",
                        disability_grade=rng.randint(1, 4) if disabled else None,
                    ),
                )

    @transaction.atomic
    def _casework(self, townships: list[Township], seed: int) -> None:
        """Assessments, applications in every status, benefits, migrated beneficiaries."""
        users = get_user_model().objects.select_related("staff_profile")
        caseworkers = {t.pk: users.get(username=f"caseworker{i}") for i, t in enumerate(townships, start=1)}
        reviewers = {t.pk: users.get(username=f"reviewer{i}") for i, t in enumerate(townships, start=1)}
        bureau, auditor = users.get(username="bureau"), users.get(username="auditor")
        households = list(Household.objects.select_related("township", "village").order_by("pk"))
        seed_assessments(
            rng=random.Random(seed + 2), households=households, caseworkers=caseworkers, reviewers=reviewers
        )
        families, alone = [], []
        if len(households) + SCENARIOS + TEKUN_SCENARIOS >= SCENARIOS_FROM:
            families, alone = seed_scenarios(
                rng=random.Random(seed + 6),
                townships=townships,
                caseworkers=caseworkers,
                count=SCENARIOS,
                tekun_count=TEKUN_SCENARIOS,
            )
            households = [*households, *families, *alone]
        seed_cases(
            scenarios=families,
            tekun_scenarios=alone,
            rng=random.Random(seed + 3),
            households=households,
            caseworkers=caseworkers,
            reviewers=reviewers,
            bureau=bureau,
            draw_spot_checks=lambda: spot_check_draw(actor=auditor, seed=seed + 5),
        )
        seed_migrated(households=households, bureau=bureau)
        # Paid months (one failed payment fixed and paid as arrears), and this month's draft.
        seed_payments(bureau=bureau, checker=users.get(username=PAYMENT_CHECKER), caseworkers=caseworkers)
        seed_claims(caseworkers=caseworkers)
        seed_temporary(households=households, caseworkers=caseworkers, reviewers=reviewers, bureau=bureau)
        # One-door requests of each outcome; care homes (one full) with residents, support at home.
        seed_intake(households=households, caseworkers=caseworkers, reviewers=reviewers)
        seed_care(townships=townships, caseworkers=caseworkers, bureau=bureau)
        # The ledger last: its findings compare it with the benefits just created.
        seed_ledger(rng=random.Random(seed + 4), households=households)
        # Re-verifications due, overdue and finished, and a clean-up campaign half-way (after the
        # ledger: its out-of-poverty declarations name households to review).
        seed_reviews(caseworkers=caseworkers, reviewers=reviewers, bureau=bureau)
        # The integrity work last: its checks read everything above (docs/integrity.md).
        seed_integrity(
            townships=townships, caseworkers=caseworkers, reviewers=reviewers, bureau=bureau, auditor=auditor
        )
