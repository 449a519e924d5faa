"""A county (or a province) of synthetic data, deterministic for a seed, written in bulk.

    DATABASE_URL=postgres://… .venv/bin/python bench/scale.py --scale county [--seed 2016]

Scales (docs in bench/results.md): `county` is the issue's measured county (46,700 households,
≈137,000 members, 100,000 ledger persons, 28,250 benefits with their decisions, 10,000
applications in county review); `province` is ≈1,000,000 persons; `small` (a tenth of a county)
is for developing. The people come from `bench.synthetic` (valid GB 11643 check digits). On
PostgreSQL the rows go in with COPY (explicit keys, sequences reset after), elsewhere with
bulk_create. The database must be migrated and hold no households yet.

What the ledger holds: about 60% of its persons are members of our households (whole families,
a few with a differently written name, a few ledger families spread over two of our households),
the rest are people only the poverty office knows. Most ledger families are out of poverty.
"""

import argparse
import datetime
import functools
import io
import json
import os
import random
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Scale:
    households: int
    ledger_only_households: int
    benefits: int
    applications: int


# The county of the issue "Scale and speed" (46,699 households, 136,743 members, 100,000 ledger
# persons, 28,250 benefits, 10,002 applications in county review), and a province of ≈1M persons.
SCALES = {
    "tiny": Scale(households=600, ledger_only_households=170, benefits=360, applications=130),
    "small": Scale(households=4_670, ledger_only_households=1_330, benefits=2_825, applications=1_000),
    "county": Scale(households=46_700, ledger_only_households=13_300, benefits=28_250, applications=10_000),
    "province": Scale(households=331_000, ledger_only_households=94_000, benefits=200_000, applications=71_000),
}
TODAY = datetime.date(2026, 11, 20)  # the data's "today" (fixed: the same seed gives the same rows)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunwu_relief.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()


# Writing rows -----------------------------------------------------------------------------------


def _copy_text(value) -> str:
    if value.__class__ is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class Writer:
    """Rows (dicts of attribute names) → the table, with explicit primary keys (so foreign keys
    need no round trip); a column not given takes its field's default."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.next_pk: dict[type, int] = {}
        self.written: dict[str, int] = {}

    def pk(self, model) -> int:
        if model not in self.next_pk:
            last = model._base_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
            self.next_pk[model] = last + 1
        value = self.next_pk[model]
        self.next_pk[model] += 1
        return value

    def write(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        self.written[model._meta.label] = self.written.get(model._meta.label, 0) + len(rows)
        if not self.postgres:
            model._base_manager.bulk_create([model(**row) for row in rows], batch_size=2000)
            return
        from django.db import models as m

        now = datetime.datetime(TODAY.year, TODAY.month, TODAY.day, 9, tzinfo=datetime.UTC)
        fields = list(model._meta.concrete_fields)
        defaults = []
        for f in fields:
            if isinstance(f, m.DateTimeField) and (f.auto_now or f.auto_now_add):
                defaults.append(now)
            else:
                defaults.append(f.get_default())  # "" for a text field without one, else None
        names = [f.attname for f in fields]
        lines = []
        for row in rows:
            lines.append(
                "\t".join([_copy_text(row.get(name, default)) for name, default in zip(names, defaults, strict=True)])
            )
        buffer = io.StringIO("\n".join(lines) + "\n")
        columns = ", ".join(self.connection.ops.quote_name(f.column) for f in fields)
        with self.connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {model._meta.db_table} ({columns}) FROM STDIN", buffer)

    def finish(self) -> None:
        from django.apps import apps
        from django.core.management.color import no_style

        if not self.postgres:
            return
        sql = self.connection.ops.sequence_reset_sql(no_style(), [m for m in apps.get_models() if m in self.next_pk])
        with self.connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)
            cursor.execute("ANALYZE")


# The county ---------------------------------------------------------------------------------------


def generate(scale: Scale, *, seed: int, log=print) -> dict[str, int]:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from bench.synthetic import iter_households
    from benefits.models import (
        Application,
        ApplicationStatus,
        Bank,
        Benefit,
        BenefitChange,
        BenefitStatus,
        Payee,
        Programme,
    )
    from households.models import Household, LedgerRecord, Member, Township
    from households.names import name_initials
    from households.services import member_ledger_flags_refresh

    initials = functools.lru_cache(maxsize=None)(name_initials)
    from sunwu_relief.roles import Role
    from tests.conftest import make_user

    if Household.objects.exists():
        raise SystemExit("the database already holds households: generate into an empty (migrated) database")
    rng = random.Random(seed)
    started = time.perf_counter()
    User = get_user_model()
    creator = User.objects.filter(username="bench-bureau").first() or make_user("bench-bureau", Role.BUREAU_REVIEWER)
    places = [(t, list(t.villages.order_by("pk"))) for t in Township.objects.order_by("code")]
    tz = timezone.get_default_timezone()

    def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
        return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=tz)

    writer = Writer()
    people = iter_households(seed, scale.households + scale.ledger_only_households, datetime.date(2026, 1, 1))
    relationship_words = {"head", "spouse", "son", "daughter", "father", "mother"}
    ledger_counter = 0
    members_by_household: dict[int, list[Member]] = {}
    household_rows: list[tuple[int, int, int]] = []  # (pk, township pk, village pk)
    previous_family = None

    def ledger_number(township: Township) -> str:
        nonlocal ledger_counter
        ledger_counter += 1
        return f"{township.code[:6]}{ledger_counter:010d}"

    def ledger_record(person, member_name: str | None, number: str, township, village, size, status, attribute):
        return dict(
            id=writer.pk(LedgerRecord),
            id_number=person.id_number,
            name=member_name or person.name,
            household_number=number,
            relationship=person.relationship if person.relationship in relationship_words else "other",
            township_id=township.pk,
            village_id=village.pk,
            household_size=size,
            poverty_attribute=attribute,
            poverty_status=status,
            exit_year=rng.choice([2016, 2017, 2018, 2019, 2020]) if status == "out" else None,
            poverty_cause=rng.choice(["illness", "disability", "education", "capital", "labour"]),
            labour_capacity=rng.choice(["normal", "weak", "none"]),
            health=rng.choice(["healthy", "chronic", "serious", "disabled"]),
            last_import="bench",
            source_row=None,
            created=at(datetime.date(2025, 1, 1)),
            updated=at(datetime.date(2025, 1, 1)),
        )

    with transaction.atomic():
        # Households, members and the ledger families that are ours -------------------------------
        batch_households, batch_members, batch_ledger = [], [], []
        for index in range(scale.households):
            township, villages = places[index % len(places)]
            village = villages[rng.randrange(len(villages))]
            family = next(people)
            household = dict(
                id=writer.pk(Household),
                number=f"{township.code[:9]}{index + 1:07d}",
                township_id=township.pk,
                village_id=village.pk,
                address=f"{village.name}{rng.randrange(1, 300)}号",
                hukou_number="",
                classification=rng.choice(["", "", "general", "long_term", "key"]),
                classification_reason="",
            )
            batch_households.append(household)
            household_rows.append((household["id"], township.pk, village.pk))
            members = []
            for person in family:
                birth = datetime.date(
                    int(person.id_number[6:10]), int(person.id_number[10:12]), int(person.id_number[12:14])
                )
                member = dict(
                    id=writer.pk(Member),
                    household_id=household["id"],
                    name=person.name,
                    id_number=person.id_number,
                    sex="M" if int(person.id_number[16]) % 2 else "F",
                    birth_date=birth,
                    relationship=person.relationship,
                    name_initials=initials(person.name),
                )
                members.append(member)
            batch_members.extend(members)
            members_by_household[household["id"]] = members
            # About 43% of our households are on the ledger (≈60% of its persons).
            if rng.random() < 0.43:
                status = "out" if rng.random() < 0.8 else "not_out"
                attribute = rng.choice(["general", "dibao", "tekun"])
                number = ledger_number(township)
                if rng.random() < 0.01 and index > 0 and previous_family is not None:
                    # A ledger family spread over two of our households: the neighbour's head on this line.
                    family_on_ledger = [*zip(family, members, strict=True), previous_family]
                    previous_family = None
                else:
                    family_on_ledger = list(zip(family, members, strict=True))
                for person, member in family_on_ledger:
                    name = member["name"] + "某" if rng.random() < 0.01 else None  # written differently
                    batch_ledger.append(
                        ledger_record(person, name, number, township, village, len(family), status, attribute)
                    )
            else:
                previous_family = (family[0], members[0])  # not on the ledger: a candidate for a spread
            if len(batch_members) >= 20_000:
                writer.write(Household, batch_households)
                writer.write(Member, batch_members)
                batch_households, batch_members = [], []
        writer.write(Household, batch_households)
        writer.write(Member, batch_members)
        log(f"  households and members: {time.perf_counter() - started:.1f} s")

        # The ledger's own people (not in our registry) ---------------------------------------------
        for index in range(scale.ledger_only_households):
            township, villages = places[(index * 7) % len(places)]
            village = villages[rng.randrange(len(villages))]
            family = next(people)
            status = "out" if rng.random() < 0.85 else "not_out"
            attribute = rng.choice(["general", "dibao", "tekun"])
            number = ledger_number(township)
            for person in family:
                batch_ledger.append(
                    ledger_record(person, None, number, township, village, len(family), status, attribute)
                )
        writer.write(LedgerRecord, batch_ledger)
        del batch_ledger
        member_ledger_flags_refresh()  # the members' ledger flag, as the ledger import keeps it
        log(f"  ledger: {time.perf_counter() - started:.1f} s")

        # Benefits with their decisions ---------------------------------------------------------------
        chosen = rng.sample(range(scale.households), scale.benefits)
        benefits, changes = [], []
        this_month = TODAY.replace(day=1)
        for index in chosen:
            pk, township_id, _village_id = household_rows[index]
            programme = Programme.DIBAO if rng.random() < 0.85 else Programme.TEKUN
            year = rng.randrange(2019, 2027)
            month = rng.randrange(1, 13)
            start = min(datetime.date(year, month, 1), this_month)
            size = len(members_by_household[pk])
            amount = Decimal(rng.randrange(150, 780))
            stopped = rng.random() < 0.04
            benefit = dict(
                id=writer.pk(Benefit),
                household_id=pk,
                township_id=township_id,
                programme=programme,
                status=BenefitStatus.STOPPED if stopped else BenefitStatus.ACTIVE,
                classification=rng.choice(["general", "long_term", "key"]),
                standard_snapshot={},
                covered_count=1 if programme == Programme.TEKUN else size,
                start_month=start,
                end_month=None,
                next_review_due=TODAY + datetime.timedelta(days=rng.randrange(-60, 365)),
                created=at(start - datetime.timedelta(days=20)),
            )
            benefits.append(benefit)
            changes.append(
                dict(
                    id=writer.pk(BenefitChange),
                    benefit_id=benefit["id"],
                    kind="grant",
                    effective_month=start,
                    old_status="",
                    new_status="active",
                    old_amount=Decimal("0"),
                    new_amount=amount,
                    explanation=f"（标准 - 收入）× {size} = {amount}",
                    created=benefit["created"],
                )
            )
            later = start.replace(year=start.year + 1)
            if later <= this_month and (stopped or rng.random() < 0.3):
                new_amount = Decimal("0") if stopped else amount + Decimal(rng.randrange(-80, 120))
                changes.append(
                    dict(
                        id=writer.pk(BenefitChange),
                        benefit_id=benefit["id"],
                        kind="stop" if stopped else ("raise" if new_amount > amount else "lower"),
                        effective_month=later,
                        old_status="active",
                        new_status="stopped" if stopped else "active",
                        old_amount=amount,
                        new_amount=max(new_amount, Decimal("0")),
                        explanation="复核调整",
                        created=at(later - datetime.timedelta(days=10)),
                    )
                )
                if stopped:
                    benefit["end_month"] = later
            elif stopped:
                benefit["status"] = BenefitStatus.ACTIVE
        writer.write(Benefit, benefits)
        writer.write(BenefitChange, changes)
        log(f"  benefits: {time.perf_counter() - started:.1f} s")

        # Applications waiting for the county's review ------------------------------------------------
        with_benefit = set(chosen)
        free = [i for i in range(scale.households) if i not in with_benefit]
        applications = []
        for index in rng.sample(free, min(scale.applications, len(free))):
            pk, township_id, _village_id = household_rows[index]
            accepted = TODAY - datetime.timedelta(days=rng.randrange(20, 120))
            received = accepted + datetime.timedelta(days=rng.randrange(10, 40))
            head = members_by_household[pk][0]
            applications.append(
                dict(
                    id=writer.pk(Application),
                    household_id=pk,
                    township_id=township_id,
                    programme=Programme.DIBAO if rng.random() < 0.9 else Programme.TEKUN,
                    status=ApplicationStatus.COUNTY_REVIEW,
                    applicant_name=head["name"],
                    reason="生活困难",
                    filed=rng.random() < 0.02,
                    filed_reasons=[],
                    standard_snapshot={},
                    eligibility=[],
                    created_by_id=creator.pk,
                    created=at(accepted - datetime.timedelta(days=2)),
                    accepted_at=at(accepted),
                    received_by_county_at=at(min(received, TODAY)),
                )
            )
        writer.write(Application, applications)
        log(f"  applications: {time.perf_counter() - started:.1f} s")

        # Payee accounts: the head of the household on a bank card, for 99% of the benefits (the
        # rest have none registered yet). A random stream of their own, so the rows above stay
        # what they were without payees.
        payee_rng = random.Random(seed * 7919 + 1)
        banks = list(Bank.objects.filter(active=True, uses_luhn=True).order_by("pk"))
        payees = []
        for benefit in benefits:
            if payee_rng.random() < 0.01:
                continue
            head = members_by_household[benefit["household_id"]][0]
            payees.append(
                dict(
                    id=writer.pk(Payee),
                    benefit_id=benefit["id"],
                    township_id=benefit["township_id"],
                    member_id=head["id"],
                    name=head["name"],
                    id_number=head["id_number"],
                    bank_id=banks[payee_rng.randrange(len(banks))].pk,
                    account_number=luhn_card(payee_rng),
                    changed=benefit["created"],
                )
            )
        writer.write(Payee, payees)
        log(f"  payees: {time.perf_counter() - started:.1f} s")
    writer.finish()
    log(f"  generated in {time.perf_counter() - started:.1f} s")
    return writer.written


def luhn_card(rng: random.Random) -> str:
    """A 19-digit bank card number whose last digit is its Luhn check digit."""
    from benefits.payments.rules import luhn_valid

    body = "622848" + "".join(str(rng.randrange(10)) for _ in range(12))
    return next(body + check for check in "0123456789" if luhn_valid(body + check))


def sizes() -> dict[str, int]:
    from audits.models import Finding
    from benefits.models import Application, ApplicationStatus, Benefit, BenefitChange, Payee
    from households.models import Household, LedgerRecord, Member

    return {
        "households": Household.objects.count(),
        "members": Member.objects.count(),
        "ledger persons": LedgerRecord.objects.filter(removed=False).count(),
        "benefits": Benefit.objects.count(),
        "decisions": BenefitChange.objects.count(),
        "payee accounts": Payee.objects.count(),
        "applications in county review": Application.objects.filter(status=ApplicationStatus.COUNTY_REVIEW).count(),
        "reconciliation findings": Finding.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="county")
    parser.add_argument("--seed", type=int, default=2016)
    args = parser.parse_args()
    setup_django()
    written = generate(SCALES[args.scale], seed=args.seed)
    for label, count in written.items():
        print(f"{label}: {count:,}")


if __name__ == "__main__":
    main()
