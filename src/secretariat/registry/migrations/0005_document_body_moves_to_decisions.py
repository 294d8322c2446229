"""Document.body is gone: whose paper a document is lives in decisions.BodyPaper (decisions 0003)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_distribution_entry_is_an_addressee"),
        ("decisions", "0003_body_papers"),
    ]

    operations = [
        migrations.RemoveField(model_name="document", name="body"),
    ]
