"""Case files move from the registry into an app of their own, above what they close over.

The state only: the tables stay as they are (registry 0007 takes the models out of the
registry's state, 0002 here renames the tables).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("registry", "0006_document_filed_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CaseFile",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("number", models.CharField(max_length=60, unique=True)),
                        ("title", models.CharField(max_length=500)),
                        ("opened_at", models.DateTimeField()),
                        ("closed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "closed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "opened_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"ordering": ["opened_at", "id"], "db_table": "registry_casefile"},
                ),
                migrations.CreateModel(
                    name="CaseEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("position", models.PositiveSmallIntegerField()),
                        ("added_at", models.DateTimeField()),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="entries", to="cases.casefile"
                            ),
                        ),
                        (
                            "document",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.document"
                            ),
                        ),
                    ],
                    options={"ordering": ["case", "position"], "db_table": "registry_caseentry"},
                ),
                migrations.AddField(
                    model_name="casefile",
                    name="documents",
                    field=models.ManyToManyField(
                        related_name="case_files", through="cases.CaseEntry", to="registry.document"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="caseentry",
                    constraint=models.UniqueConstraint(fields=("case", "document"), name="document_once_per_case"),
                ),
            ],
            database_operations=[],
        ),
    ]
