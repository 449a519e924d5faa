"""The village board's pages: the public notices of the procedure and the standing list (长期公示)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from households.selectors import contacts_for, villages_for
from sunwu_relief import clock
from sunwu_relief.ui import query_int, roles_required

from ..selectors import (
    board_notices_for,
    standing_list_for,
    stop_notices_for,
)
from .common import CASE_READERS, board_township


@roles_required(*CASE_READERS)
def notice_list_view(request: HttpRequest) -> HttpResponse:
    """The village board's notice list: only the fields docs/rules.md allows; printable on A4."""
    villages = villages_for(request.user)
    village_id = query_int(request, "village")
    village = villages.filter(pk=village_id).first() if village_id else None
    today = clock.today()
    village_pk = village.pk if village else None
    return render(
        request,
        "benefits/notice_list.html",
        {
            "notices": board_notices_for(request.user, village_id=village_pk, on=today),
            "stop_notices": stop_notices_for(request.user, village_id=village_pk, on=today),
            "villages": villages,
            "village": village,
            "today": today,
            "contacts": contacts_for(board_township(request, village)),
        },
    )


@roles_required(*CASE_READERS)
def standing_list_view(request: HttpRequest) -> HttpResponse:
    """长期公示: the beneficiaries per village, only the fields a notice may show; printable."""
    villages = villages_for(request.user)
    village_id = query_int(request, "village")
    village = villages.filter(pk=village_id).first() if village_id else None
    today = clock.today()
    return render(
        request,
        "benefits/standing_list.html",
        {
            "rows": standing_list_for(request.user, village_id=village.pk if village else None, on=today),
            "villages": villages,
            "village": village,
            "today": today,
            "contacts": contacts_for(board_township(request, village)),
        },
    )
