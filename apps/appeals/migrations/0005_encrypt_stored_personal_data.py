from django.db import migrations

from apps.common.pii_tables import decrypt_columns, encrypt_columns

TABLES = ("appeals.Appeal", "appeals.HistoricalAppeal")


class Migration(migrations.Migration):
    """The personal columns now hold text: encrypt what they hold and index the phone numbers.

    A migration of its own: PostgreSQL refuses the previous one's deferred index builds in a
    transaction that has just updated rows.
    """

    dependencies = [
        ("appeals", "0004_personal_data_encrypted"),
    ]

    operations = [
        migrations.RunPython(encrypt_columns(*TABLES), decrypt_columns(*TABLES)),
    ]
