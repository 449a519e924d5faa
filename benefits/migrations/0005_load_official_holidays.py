"""Seed the holiday calendar from the State Council's schedule (the `chinesecalendar` package):
without it every working-day deadline ignored the holidays. Later years: `load_holidays`."""

from django.db import migrations


def load(apps, schema_editor) -> None:
    from benefits.holiday_calendar import official_days

    Holiday = apps.get_model("benefits", "Holiday")
    known = set(Holiday.objects.values_list("date", flat=True))
    Holiday.objects.bulk_create(
        Holiday(date=day.date, name=day.name, is_working_day=day.is_working_day, source="chinesecalendar")
        for day in official_days()
        if day.date not in known
    )


def unload(apps, schema_editor) -> None:
    apps.get_model("benefits", "Holiday").objects.filter(source="chinesecalendar").delete()


class Migration(migrations.Migration):
    dependencies = [("benefits", "0004_holiday_source_and_history")]

    operations = [migrations.RunPython(load, unload)]
