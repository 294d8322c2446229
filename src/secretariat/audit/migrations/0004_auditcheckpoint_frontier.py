"""Keep each head's compact range, so signing the next head reads only the events after it.

A nullable column without a default: both engines add it with ALTER TABLE, so SQLite does not
rebuild the table (which would drop the append-only triggers of 0002 and 0003).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_replace_and_head")]
    operations = [
        migrations.AddField(
            model_name="auditcheckpoint", name="frontier", field=models.JSONField(blank=True, null=True)
        ),
    ]
