from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr


def units_of_existing_findings(apps, schema_editor):
    """The part each finding was found in, from its key (as reconciliation writes it now)."""
    Finding = apps.get_model("audits", "Finding")
    ledger_household = Concat(Value("L:"), F("ledger_household_number"))
    Finding.objects.filter(kind__in=["identity_mismatch", "not_covered"]).update(unit=ledger_household)
    Finding.objects.filter(key__startswith="household_mismatch:ledger:").update(
        unit=Concat(Value("L:"), Substr("key", len("household_mismatch:ledger:") + 1))
    )
    Finding.objects.filter(key__startswith="household_mismatch:ours:").update(
        unit=Concat(Value("H:"), Substr("key", len("household_mismatch:ours:") + 1))
    )
    for kind in ("not_registered", "covered_out_of_poverty"):
        Finding.objects.filter(kind=kind).update(unit=Concat(Value("H:"), Substr("key", len(kind) + 2)))


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0007_findings_that_act"),
    ]

    operations = [
        migrations.AddField(
            model_name="finding",
            name="unit",
            field=models.CharField(blank=True, db_index=True, default="", editable=False, max_length=80),
        ),
        migrations.CreateModel(
            name="ReconciliationUnit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=80, unique=True)),
                ("fingerprint", models.CharField(max_length=64)),
            ],
        ),
        migrations.RunPython(units_of_existing_findings, migrations.RunPython.noop),
    ]
