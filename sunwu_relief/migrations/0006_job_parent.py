import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Job.parent: the parts of a job split by township (one per township), summed into it."""

    dependencies = [
        ("sunwu_relief", "0005_job_attempts_task_queue_failed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="parts",
                to="sunwu_relief.job",
                verbose_name="part of",
            ),
        ),
        migrations.AddConstraint(
            model_name="job",
            constraint=models.UniqueConstraint(fields=("parent", "township_id"), name="job_one_part_per_township"),
        ),
    ]
