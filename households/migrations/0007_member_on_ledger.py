from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q


def fill(apps, schema_editor):
    """Who of ours is on the ledger now (as households.services.member_ledger_flags_refresh)."""
    Member = apps.get_model("households", "Member")
    LedgerRecord = apps.get_model("households", "LedgerRecord")
    record = Exists(LedgerRecord.objects.filter(id_number=OuterRef("id_number"), removed=False))
    Member._base_manager.filter(record).update(on_ledger=True)


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0006_village_confirmed"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="on_ledger",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                condition=Q(("on_ledger", True), ("removed_on__isnull", True)),
                fields=["household"],
                name="member_on_ledger",
            ),
        ),
    ]
