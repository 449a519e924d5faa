"""Document numbers 文号 of written notices: 〔year〕n号, a notice's place among the year's notices."""

from django.db.models import Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import ExtractYear

from .models import WrittenNotice


def written_notice_number(notice: WrittenNotice) -> str:
    """The notice's document number 文号, 〔year〕n号: its place among the year's notices, which
    are never deleted, so the number stays the same on every print."""
    year = notice.issued_on.year
    earlier = WrittenNotice.objects.filter(issued_on__year=year).filter(
        Q(issued_on__lt=notice.issued_on) | Q(issued_on=notice.issued_on, pk__lte=notice.pk)
    )
    return f"〔{year}〕{earlier.count()}号"


def written_notice_numbers(notices: list[WrittenNotice]) -> dict[int, str]:
    """{pk: 文号} of many notices in one query, each the number `written_notice_number` gives it
    (its place among the year's notices, by issue date then id): for printing a batch."""
    if not notices:
        return {}
    earlier = (
        WrittenNotice.objects.filter(issued_on__year=OuterRef("year"))
        .filter(Q(issued_on__lt=OuterRef("issued_on")) | Q(issued_on=OuterRef("issued_on"), pk__lte=OuterRef("pk")))
        .order_by()
        .annotate(count=Func("pk", function="COUNT"))
        .values("count")
    )
    places = (
        WrittenNotice.objects.filter(pk__in=[notice.pk for notice in notices])
        .annotate(year=ExtractYear("issued_on"))
        .annotate(place=Subquery(earlier, output_field=IntegerField()))
        .values_list("pk", "year", "place")
    )
    return {pk: f"〔{year}〕{place}号" for pk, year, place in places}
