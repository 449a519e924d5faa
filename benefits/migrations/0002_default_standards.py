"""Default yearly standards (docs/rules.md defaults). The bureau edits them in the admin every year."""

from decimal import Decimal

from django.db import migrations

# 低保 monthly standard S per person (元/月), a plausible rural Heilongjiang level; verify locally.
MONTHLY_STANDARD = {2025: Decimal("460"), 2026: Decimal("480")}


def load(apps, schema_editor):
    Standard = apps.get_model("benefits", "Standard")
    for year, monthly in MONTHLY_STANDARD.items():
        for programme in ("dibao", "tekun", "medical", "temporary"):
            Standard.objects.get_or_create(
                programme=programme,
                year=year,
                defaults={
                    "monthly_standard": monthly,
                    "tekun_basic": (monthly * Decimal("1.3")).quantize(Decimal("1")),
                    # N2: the county decides 特困 within its own deadlines.
                    "county_decision_days": 15 if programme == "tekun" else 10,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("benefits", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
