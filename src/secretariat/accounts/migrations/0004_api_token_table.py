"""The API tokens' table takes accounts' name (accounts_apitoken)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_tokens"),
        ("api", "0002_tokens_move_to_accounts"),
    ]

    operations = [
        migrations.AlterModelTable(name="apitoken", table=None),
    ]
