from django.db import migrations, models


class Migration(migrations.Migration):
    """Job.attempts (runs begun: a lost worker's job runs again, up to a limit), Job.task and
    Job.queue_failed (a job whose message could not be sent is sent again later)."""

    dependencies = [
        ("sunwu_relief", "0004_append_only_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.AddField(
            model_name="job",
            name="task",
            field=models.CharField(blank=True, max_length=120, verbose_name="task"),
        ),
        migrations.AddField(
            model_name="job",
            name="queue_failed",
            field=models.DateTimeField(blank=True, null=True, verbose_name="could not be queued at"),
        ),
    ]
