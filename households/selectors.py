"""Every read of household data a user may make, scoped to what that user may see."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _

from sunwu_relief.models import Job
from sunwu_relief.roles import TOWNSHIP_ROLES, can_see_full_id, is_county_wide, role_of, township_id_of

from .models import (
    LEDGER_IMPORT_JOB,
    CountySettings,
    Household,
    LedgerRecord,
    Member,
    MemberMove,
    PovertyStatus,
    Relationship,
    Township,
    Village,
    is_example_telephone,
)
from .rules import MemberFacts


def county_settings() -> CountySettings:
    """The one row of county settings (created with its defaults on first use). Public data:
    every page footer prints it, for anonymous visitors too."""
    settings = CountySettings.objects.order_by("pk").first()
    if settings is None:
        settings, _ = CountySettings.objects.get_or_create(pk=1)
    return settings


@dataclass(frozen=True)
class Contacts:
    """What a notice or paper prints about who decides, where to complain and how to appeal.
    `telephone` is the township's own line when it has one, else the county's complaints line."""

    bureau_name: str
    bureau_address: str
    complaints_telephone: str
    complaints_telephone_is_example: bool
    appeal_body: str
    appeal_days: int
    court: str
    litigation_months: int
    township_name: str
    township_address: str
    township_telephone: str
    telephone: str
    telephone_is_example: bool

    @property
    def appeal_text(self) -> str:
        """The 告知 sentence of a written notice (行政复议 and 行政诉讼, with the county's numbers)."""
        return (
            f"如对本决定不服，可在收到本通知之日起{self.appeal_days}日内向{self.appeal_body}申请行政复议，"
            f"或在{self.litigation_months}个月内向{self.court}提起行政诉讼。"
            f"监督投诉电话：{self.complaints_telephone}"
            + ("（示例号码）" if self.complaints_telephone_is_example else "")
            + "。"
        )


def contacts_for(township: Township | None = None) -> Contacts:
    """The one selector for every printed or shown contact detail (footers, 公示, 书面通知, papers)."""
    county = county_settings()
    township_telephone = township.service_telephone if township is not None else ""
    telephone = township_telephone or county.complaints_telephone
    return Contacts(
        bureau_name=county.bureau_name,
        bureau_address=county.bureau_address,
        complaints_telephone=county.complaints_telephone,
        complaints_telephone_is_example=is_example_telephone(county.complaints_telephone),
        appeal_body=county.appeal_body,
        appeal_days=county.appeal_days,
        court=county.court,
        litigation_months=county.litigation_months,
        township_name=township.name if township is not None else "",
        township_address=township.service_address if township is not None else "",
        township_telephone=township_telephone,
        telephone=telephone,
        telephone_is_example=is_example_telephone(telephone),
    )


def townships_for(user) -> QuerySet[Township]:
    if is_county_wide(user):
        return Township.objects.all()
    if role_of(user) in TOWNSHIP_ROLES and township_id_of(user) is not None:
        return Township.objects.filter(pk=township_id_of(user))
    return Township.objects.none()


def villages_for(user) -> QuerySet[Village]:
    """The villages offered to the user (forms, filters): the confirmed ones of the user's scope."""
    return villages_all_for(user).filter(confirmed=True)


def villages_all_for(user) -> QuerySet[Village]:
    """Confirmed or not (the county's list, where villages new from the ledger are confirmed)."""
    return Village.objects.filter(township__in=townships_for(user)).select_related("township")


def _ledger_flags(queryset: QuerySet[Household]) -> QuerySet[Household]:
    """registered_poor: a member is on the ledger; out_of_poverty: a member the ledger declares out.

    Each flag is a count of the household's members found on the ledger (by the record's unique
    ID number), a correlated aggregate: PostgreSQL evaluates it for the rows of a page only. An
    EXISTS here is planned as a hashed subplan over the whole ledger and registry instead (140 ms
    a page at a county's 100,000 ledger persons)."""

    def on_ledger(**only: str) -> GreaterThan:
        members = Member.objects.filter(household=OuterRef("pk"))
        if only:
            record = LedgerRecord.objects.filter(id_number=OuterRef("id_number"), removed=False, **only)
            members = members.filter(Exists(record))
        else:
            members = members.filter(on_ledger=True)  # the maintained flag (Member.on_ledger)
        count = members.order_by().values("household").annotate(n=Count("pk")).values("n")
        return GreaterThan(Coalesce(Subquery(count), 0), 0)

    return queryset.annotate(registered_poor=on_ledger(), out_of_poverty=on_ledger(poverty_status=PovertyStatus.OUT))


def _on_ledger(**only: str) -> Exists:
    """A member of the household is on the ledger (with `only` its record's fields): for WHERE,
    where PostgreSQL plans it as one semi-join over the ledger. Without `only`, the members'
    maintained flag (`Member.on_ledger`, its partial index): no join with the ledger at all."""
    if not only:
        return Exists(Member.objects.filter(household=OuterRef("pk"), on_ledger=True))
    records = LedgerRecord.objects.filter(removed=False, **only).values("id_number")
    return Exists(Member.objects.filter(household=OuterRef("pk"), id_number__in=records))


def filter_by_ledger(
    queryset: QuerySet[Household], *, registered_poor: bool | None = None, out_of_poverty: bool | None = None
) -> QuerySet[Household]:
    """The households whose ledger flags (as `with_ledger_flags` annotates them) are as given;
    None: either. Filter through this, not on the annotations: a filter on those would evaluate
    the per-row aggregate for every household in scope."""
    if registered_poor is not None:
        queryset = queryset.filter(_on_ledger() if registered_poor else ~_on_ledger())
    if out_of_poverty is not None:
        out = _on_ledger(poverty_status=PovertyStatus.OUT)
        queryset = queryset.filter(out if out_of_poverty else ~out)
    return queryset


def households_for(user) -> QuerySet[Household]:
    """The households the user may see; none for a user without a role or township (fail closed)."""
    if is_county_wide(user):
        queryset = Household.objects.all()
    elif role_of(user) in TOWNSHIP_ROLES and township_id_of(user) is not None:
        queryset = Household.objects.filter(township_id=township_id_of(user))
    else:
        return Household.objects.none()
    return queryset


# What a list shows of a head (name and number): the member rows' other fields (health data
# among them) are not read.
_HEADS = Member.objects.filter(relationship=Relationship.HEAD).only(
    "id", "household_id", "name", "id_number", "relationship"
)


def household_list(user, *, search: str = "") -> QuerySet[Household]:
    """Households for list pages: township, village and head preloaded, ledger flags annotated."""
    queryset = (
        households_for(user)
        .select_related("township", "village")
        .prefetch_related(Prefetch("members", queryset=_HEADS, to_attr="heads"))
    )
    queryset = _annotate_size(_ledger_flags(queryset))
    if search:
        queryset = queryset.filter(household_search_q(search, full_ids=can_see_full_id(user)))
    return queryset


def household_details_for(user) -> QuerySet[Household]:
    """The households the user may see, with what one household's page shows preloaded."""
    return (
        _ledger_flags(households_for(user))
        .select_related("township", "village")
        .prefetch_related(
            Prefetch("members", queryset=Member.objects.order_by("id")),
            "benefits__changes",
        )
    )


def household_detail(user, *, pk: int) -> Household:
    """One household with its members and heads; raises Household.DoesNotExist outside the scope."""
    household = household_details_for(user).get(pk=pk)
    household.heads = [m for m in household.members.all() if m.relationship == Relationship.HEAD]
    return household


def household_search_q(search: str, *, full_ids: bool) -> Q:
    """Name, ID number, its last digits, pinyin initials, or household number.

    The start of an ID number matches only for callers who see full numbers: for the others a
    prefix search would give back the masked birth-date digits one by one. The tail (a caller
    reads out "the last four digits") matches from 4 characters; for those who see masked
    numbers only the 4 digits the mask shows."""
    term = search.strip()
    id_term = term.upper()
    id_match = Q(id_number__startswith=id_term) if full_ids else Q(id_number=id_term)
    is_tail = len(id_term) >= 4 and id_term[:-1].isdigit() and (id_term[-1].isdigit() or id_term[-1] == "X")
    if is_tail and (full_ids or len(id_term) == 4):
        id_match |= Q(id_number__endswith=id_term)
    members = Member.objects.filter(Q(name__contains=term) | id_match | Q(name_initials__startswith=term.lower()))
    return Q(pk__in=members.values("household_id")) | Q(number=term)


def _annotate_size(queryset: QuerySet[Household]) -> QuerySet[Household]:
    """The current members' count, as a correlated subquery: a page counts its own households'
    members only (a join and GROUP BY would group every household before the page's LIMIT), and
    the list's count(*) need not group at all."""
    current = (
        Member.objects.filter(household=OuterRef("pk"))  # the default manager: current members
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(size=Coalesce(Subquery(current), 0))


def members_for(user) -> QuerySet[Member]:
    """The current members of the households the user may see."""
    if is_county_wide(user):
        return Member.objects.all()  # every member has a household: no semi-join over the registry
    return Member.objects.filter(household__in=households_for(user))


def member_moves_for(user) -> QuerySet[MemberMove]:
    """Moves into the households the user may see (the admin's list)."""
    return MemberMove.objects.filter(to_household__in=households_for(user))


def ledger_records_for(user) -> QuerySet[LedgerRecord]:
    """The ledger's records of the townships the user may see (the admin's list)."""
    return LedgerRecord.objects.filter(township__in=townships_for(user))


def member_by_id_number(id_number: str) -> Member | None:
    """Unscoped look-up for the uniqueness guard in services (never shown to users)."""
    return Member.objects.filter(id_number=id_number).select_related("household").first()


def household_totals(user) -> dict[str, int]:
    """How many households the user may see, and how many of them are registered poor."""
    queryset = households_for(user)
    # The households of the members on the ledger (the maintained flag's partial index, read
    # alone): 10 ms at a county's 60,000 such members, a semi-join of the registry with the
    # ledger 55-95 ms. A county-wide user's scope is everyone (no semi-join with the households).
    on_ledger = Member.objects.filter(on_ledger=True)
    if not is_county_wide(user):
        on_ledger = on_ledger.filter(household__in=queryset)
    registered_poor = on_ledger.aggregate(n=Count("household", distinct=True))["n"]
    return {"households": queryset.count(), "registered_poor": registered_poor}


def removed_members(household: Household) -> QuerySet[Member]:
    """The household's former members (removed: death, marriage out, moved away), newest first."""
    return Member.all_objects.filter(household=household, removed_on__isnull=False).order_by("-removed_on", "-id")


# The registered-poor ledger beside our registry (the household page's ledger view) -------------


@dataclass(frozen=True)
class LedgerLine:
    """One person, as we have them and as the ledger has them (either may be missing)."""

    member: Member | None
    record: LedgerRecord | None

    @property
    def name_differs(self) -> bool:
        return bool(self.member and self.record and self.member.name != self.record.name)


def ledger_view(user, household: Household, members: list[Member]) -> list[LedgerLine]:
    """Our members with their ledger records, then the ledger's people of the same ledger
    household(s) who are not in ours. Empty when nobody of the household is on the ledger.

    `household` comes from a scoped selector. The people not in ours are only those registered in
    the household's own township (and in the user's scope): ledger household numbers repeat across
    townships, and a member whose ID number happens to be on another township's ledger (anyone can
    type one in as a new member) must not pull that township's family into view (two queries)."""
    by_id = {
        record.id_number: record
        for record in LedgerRecord.objects.filter(id_number__in=[m.id_number for m in members]).select_related(
            "village"
        )
    }
    if not by_id:
        return []
    lines = [LedgerLine(member, by_id.get(member.id_number)) for member in members]
    numbers = {record.household_number for record in by_id.values() if record.township_id == household.township_id}
    others = (
        LedgerRecord.objects.filter(
            household_number__in=numbers,
            township_id=household.township_id,
            township__in=townships_for(user),
        )
        .exclude(id_number__in=[m.id_number for m in members])
        .select_related("village")
        .order_by("household_number", "id")
    )
    lines.extend(LedgerLine(None, record) for record in others)
    return lines


def with_ledger_flags(queryset: QuerySet[Household]) -> QuerySet[Household]:
    """`registered_poor` and `out_of_poverty` annotated (the selectors' own definition)."""
    return _ledger_flags(queryset)


def poverty_label(household: Household) -> str:
    """已脱贫 / 建档立卡 / — for a household annotated by with_ledger_flags."""
    if not getattr(household, "registered_poor", False):
        return "—"
    return str(_("Out of poverty")) if getattr(household, "out_of_poverty", False) else str(_("Registered poor"))


def ledger_import_jobs() -> QuerySet[Job]:
    """Every ledger import (the poverty office's and the operators'), as job records."""
    return Job.objects.filter(kind=LEDGER_IMPORT_JOB)


# Classification facts -------------------------------------------------------------------------


def member_facts(household: Household) -> list[MemberFacts]:
    """The household's members as classification facts. Labour capacity is the registry's field,
    which the recording of a health-department assessment keeps up to date."""
    return [
        MemberFacts(
            id=member.pk,
            name=member.name,
            birth_date=member.birth_date,
            labour_capacity=member.labour_capacity,
            serious_illness=member.serious_illness,
            disability_grade=member.disability_grade,
        )
        for member in household.members.order_by("id")
    ]


def with_township_names(queryset: QuerySet) -> QuerySet:
    """Each row's township name as `township_label`, read in the same query: a changelist that
    shows it (`sunwu_relief.admin_base.row_township`) costs no query per row (a scoping column
    `township_id` without a foreign key)."""
    return queryset.annotate(
        township_label=Subquery(Township.objects.filter(pk=OuterRef("township_id")).values("name")[:1])
    )
