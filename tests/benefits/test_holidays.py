"""The working-day calendar: official holidays and make-up working days (调休) from the State
Council's schedule, editable by the bureau (audited, with history), used by every deadline."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from benefits import services
from benefits.models import ApplicationStatus, Holiday
from benefits.selectors import WorkingCalendar, application_deadlines, holiday_years_covered
from sunwu_relief.authz import system
from sunwu_relief.errors import InvalidInput, NotAllowed
from sunwu_relief.models import AuditEvent

pytestmark = pytest.mark.django_db

D = datetime.date


def test_migrations_load_the_official_calendar():
    national_day = Holiday.objects.get(date=D(2026, 10, 1))
    assert national_day.name == "国庆节"
    assert not national_day.is_working_day
    assert national_day.source == Holiday.Source.OFFICIAL
    make_up = Holiday.objects.get(date=D(2026, 10, 10))  # a Saturday worked
    assert make_up.is_working_day
    assert make_up.name == "国庆节调休上班"
    assert {2004, 2025, 2026} <= set(holiday_years_covered())


def test_deadline_skips_the_national_day_holiday_and_counts_the_make_up_saturday():
    # 2026-09-30 (Wed) + 3 working days: 10-01…10-07 are holidays, 10-08 Thu, 10-09 Fri, 10-10 Sat (worked).
    assert WorkingCalendar().deadline(D(2026, 9, 30), 3) == D(2026, 10, 10)


def test_deadline_across_the_spring_festival():
    # 2026-02-13 (Fri) + 1: the Saturday 02-14 is worked; + 2: 02-15…02-23 are holidays, so Tue 02-24.
    calendar = WorkingCalendar()
    assert calendar.deadline(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert calendar.deadline(D(2026, 2, 13), 2) == D(2026, 2, 24)


def test_case_deadline_follows_the_calendar(cases):
    application = cases.to(ApplicationStatus.ACCEPTED)
    accepted = datetime.datetime(2026, 9, 30, 10, 0, tzinfo=timezone.get_current_timezone())
    type(application).objects.filter(pk=application.pk).update(accepted_at=accepted)
    application.refresh_from_db()
    deadlines = application_deadlines(application, on=D(2026, 10, 9))
    # The first deadline of an accepted case: the investigation starts within 3 working days.
    assert deadlines[0]["due"] == D(2026, 10, 10)
    assert not deadlines[0]["overdue"]


def test_a_bureau_correction_is_audited_kept_in_history_and_survives_a_reload(bureau_reviewer):
    holiday = services.holiday_save(
        actor=bureau_reviewer, holiday=Holiday(date=D(2026, 10, 8), name="国庆节（县里加放）")
    )
    holiday.refresh_from_db()
    assert holiday.source == Holiday.Source.MANUAL
    event = AuditEvent.objects.get(action="holiday.create")
    assert event.actor == bureau_reviewer
    assert holiday.history.first().history_user == bureau_reviewer

    counts = services.holidays_load(actor=system("command:load_holidays"))
    assert counts["added"] == 0
    assert counts["updated"] == 0
    assert Holiday.objects.get(date=D(2026, 10, 8)).name == "国庆节（县里加放）"

    loaded = Holiday.objects.get(date=D(2026, 10, 7))
    loaded.name = "国庆节假期"
    services.holiday_save(actor=bureau_reviewer, holiday=loaded)
    change = AuditEvent.objects.get(action="holiday.change")
    assert change.detail["changes"]["name"] == ["国庆节", "国庆节假期"]
    assert (
        services.holidays_load(actor=system("command:load_holidays"))["kept"] == 1
    )  # the official day the bureau edited

    services.holiday_delete(actor=bureau_reviewer, holiday=loaded)
    assert not Holiday.objects.filter(date=D(2026, 10, 7)).exists()
    deleted = AuditEvent.objects.get(action="holiday.delete")
    assert deleted.detail["name"] == "国庆节假期"
    services.holiday_delete(actor=bureau_reviewer, holiday=loaded)  # twice: nothing more
    assert AuditEvent.objects.filter(action="holiday.delete").count() == 1


def test_reload_restores_a_deleted_official_day_and_is_idempotent(bureau_reviewer):
    services.holiday_delete(actor=bureau_reviewer, holiday=Holiday.objects.get(date=D(2026, 10, 10)))
    assert services.holidays_load(actor=system("command:load_holidays"), years={2026})["added"] == 1
    assert services.holidays_load(actor=system("command:load_holidays")) == {
        "added": 0,
        "updated": 0,
        "unchanged": Holiday.objects.filter(source=Holiday.Source.OFFICIAL).count(),
        "kept": 0,
    }
    assert AuditEvent.objects.filter(action="holiday.load").count() == 1


def test_only_the_bureau_edits_the_calendar(auditor, reviewer_sunwu):
    for actor in (auditor, reviewer_sunwu):
        with pytest.raises(NotAllowed):
            services.holiday_save(actor=actor, holiday=Holiday(date=D(2027, 1, 1), name="元旦"))
    assert not Holiday.objects.filter(date=D(2027, 1, 1)).exists()


def test_a_second_row_for_the_same_date_or_a_bidi_name_is_refused(bureau_reviewer):
    with pytest.raises(InvalidInput) as exc:
        services.holiday_save(actor=bureau_reviewer, holiday=Holiday(date=D(2026, 10, 1), name="国庆"))
    assert "date" in exc.value.field_errors
    with pytest.raises(InvalidInput) as exc:
        services.holiday_save(actor=bureau_reviewer, holiday=Holiday(date=D(2027, 1, 1), name="元旦\u202e"))
    assert "name" in exc.value.field_errors


def test_load_holidays_command_prints_the_counts_and_the_years():
    out = io.StringIO()
    call_command("load_holidays", stdout=out)
    assert "added 0" in out.getvalue()
    assert "2004–2026" in out.getvalue()


def test_admin_says_which_years_are_covered_and_edits_through_the_services(client, bureau_reviewer, auditor):
    client.force_login(auditor)
    page = client.get(reverse("admin:benefits_holiday_changelist"))
    assert page.status_code == 200
    assert "2004–2026" in page.content.decode()
    assert client.post(reverse("admin:benefits_holiday_add"), {"date": "2027-01-01", "name": "元旦"}).status_code == 403
    client.force_login(bureau_reviewer)
    response = client.post(reverse("admin:benefits_holiday_add"), {"date": "2027-01-01", "name": "元旦"})
    assert response.status_code == 302
    holiday = Holiday.objects.get(date=D(2027, 1, 1))
    assert AuditEvent.objects.filter(action="holiday.create", object_id=str(holiday.pk), actor=bureau_reviewer).exists()
    response = client.post(reverse("admin:benefits_holiday_delete", args=[holiday.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="holiday.delete", object_id=str(holiday.pk)).exists()
