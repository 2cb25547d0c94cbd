from django.db import migrations

from apps.common.pii_tables import reindex_columns


class Migration(migrations.Migration):
    """The names of the requests already stored get their blind index. A migration of its own:
    PostgreSQL refuses the previous one's deferred index build in a transaction that has just
    updated rows."""

    dependencies = [
        ("appeals", "0008_submitter_name_index"),
    ]

    operations = [
        migrations.RunPython(reindex_columns("appeals.Appeal"), migrations.RunPython.noop),
    ]
