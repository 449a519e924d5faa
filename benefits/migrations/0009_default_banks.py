from django.db import migrations

# The banks the county pays through (the bureau edits this list in the admin). Bank cards carry a
# Luhn check digit (ISO/IEC 7812); the rural credit cooperative's passbook accounts do not.
BANKS = [
    ("中国农业银行", True),
    ("中国邮政储蓄银行", True),
    ("中国工商银行", True),
    ("中国建设银行", True),
    ("中国银行", True),
    ("黑龙江孙吴农村商业银行", True),
    ("农村信用社存折账户", False),
]


def load(apps, schema_editor):
    Bank = apps.get_model("benefits", "Bank")
    for name, uses_luhn in BANKS:
        Bank.objects.get_or_create(name=name, defaults={"uses_luhn": uses_luhn})


class Migration(migrations.Migration):
    dependencies = [("benefits", "0008_payments")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
