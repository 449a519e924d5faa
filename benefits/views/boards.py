"""The village board's pages: the public notices of the procedure and the standing list (长期公示)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from households.selectors import contacts_for, villages_for
from sunwu_relief import clock
from sunwu_relief.exports import Column, ListExport, wants_xlsx
from sunwu_relief.ui import query_int, roles_required

from ..selectors import (
    board_notices_for,
    standing_list_for,
    standing_page_for,
    stop_notices_for,
)
from .common import CASE_READERS, board_township


def _period(notice) -> str:
    return f"{notice.starts_on:%Y-%m-%d} – {notice.ends_on:%Y-%m-%d}"


def _board_rows(notices, stop_notices) -> list[dict]:
    """The board's two tables as one list: the applications under notice, then the proposed stops."""
    applications = [
        {
            "notice": n,
            "kind": gettext_lazy("Public notice of social assistance applications"),
            "village": n.application.household.village.name,
            "name": n.application.applicant_name,
            "size": n.household_size,
            "programme": n.application.get_programme_display(),
            "amount": n.proposed_amount,
        }
        for n in notices
    ]
    stops = [
        {
            "notice": n,
            "kind": gettext_lazy("Public notice of proposed stops of 特困 support"),
            "village": n.benefit.household.village.name,
            "name": n.person_name,
            "size": None,
            "programme": n.benefit.get_programme_display(),
            "amount": None,
        }
        for n in stop_notices
    ]
    return applications + stops


# The board's columns as it shows them (only the fields docs/rules.md allows a notice to show).
BOARD_EXPORT = ListExport(
    name="public_notices",
    title=gettext_lazy("Public notice"),
    columns=(
        Column(gettext_lazy("Notice"), lambda row: row["kind"]),
        Column(gettext_lazy("Village"), lambda row: row["village"]),
        Column(gettext_lazy("Name"), lambda row: row["name"]),
        Column(gettext_lazy("Household size"), lambda row: row["size"]),
        Column(gettext_lazy("Programme"), lambda row: row["programme"]),
        Column(gettext_lazy("Proposed monthly amount (yuan)"), lambda row: row["amount"]),
        Column(gettext_lazy("Notice period"), lambda row: _period(row["notice"])),
    ),
    objects=lambda row: row["notice"],
)

# 长期公示 as it is shown; its rows are the selector's dicts (no object of their own to log).
STANDING_EXPORT = ListExport(
    name="standing_list",
    title=gettext_lazy("Standing list of beneficiaries (长期公示)"),
    columns=(
        Column(gettext_lazy("Village"), lambda row: row["village"]),
        Column(gettext_lazy("Name"), lambda row: row["name"]),
        Column(gettext_lazy("Persons covered"), lambda row: row["household_size"]),
        Column(gettext_lazy("Programme"), lambda row: row["programme"]),
        Column(gettext_lazy("Monthly amount (yuan)"), lambda row: row["monthly_amount"]),
        Column(gettext_lazy("Since"), lambda row: f"{row['start_month']:%Y-%m}"),
    ),
    objects=lambda row: None,
)


@roles_required(*CASE_READERS)
def notice_list_view(request: HttpRequest) -> HttpResponse:
    """The village board's notice list: only the fields docs/rules.md allows; printable on A4."""
    villages = villages_for(request.user)
    village_id = query_int(request, "village")
    village = villages.filter(pk=village_id).first() if village_id else None
    today = clock.today()
    village_pk = village.pk if village else None
    notices = board_notices_for(request.user, village_id=village_pk, on=today)
    stop_notices = stop_notices_for(request.user, village_id=village_pk, on=today)
    if wants_xlsx(request):
        return BOARD_EXPORT.response(request, _board_rows(notices, stop_notices))
    return render(
        request,
        "benefits/notice_list.html",
        {
            "notices": notices,
            "stop_notices": stop_notices,
            "villages": villages,
            "village": village,
            "today": today,
            "contacts": contacts_for(board_township(request, village)),
        },
    )


@roles_required(*CASE_READERS)
def standing_list_view(request: HttpRequest) -> HttpResponse:
    """长期公示: the beneficiaries of one village (the one chosen, else the first of the user's that
    has any), only the fields a notice may show; printable, issued under the township's seal. The
    download without a village: the user's whole scope."""
    villages = villages_for(request.user)
    village_id = query_int(request, "village")
    village = villages.filter(pk=village_id).first() if village_id else None
    today = clock.today()
    if wants_xlsx(request):
        rows = standing_list_for(request.user, village_id=village.pk if village else None, on=today)
        return STANDING_EXPORT.response(request, rows)
    village, rows = standing_page_for(request.user, villages, village=village, on=today)
    return render(
        request,
        "benefits/standing_list.html",
        {
            "rows": rows,
            "villages": villages,
            "village": village,
            "today": today,
            "contacts": contacts_for(board_township(request, village)),
        },
    )
