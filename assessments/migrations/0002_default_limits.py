"""Default policy limits (RULES §2; local practice, edited by the bureau in the admin)."""

from decimal import Decimal

from django.db import migrations

EXCLUDED = ["special_care", "family_planning", "scholarship", "heroism", "assistance", "pension_base"]
DEFAULTS = {
    "excluded_income_kinds": EXCLUDED,
    "employment_deduction": Decimal("0"),
    "deposits_per_capita_max": Decimal("10000"),
    "vehicles_max": 0,
    "vehicle_exempt_types": ["摩托车", "三轮汽车", "低速货车", "残疾人专用车", "拖拉机"],
    "housing_count_max": 1,
    "housing_area_per_capita_max": Decimal("40"),
    "machinery_value_max": Decimal("50000"),
    "business_allowed": False,
}


def seed(apps, schema_editor):
    PolicyLimits = apps.get_model("assessments", "PolicyLimits")
    for year in (2016, 2026):
        PolicyLimits.objects.get_or_create(year=year, defaults=DEFAULTS)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
