"""Trigram indexes over the public version of a published request's title and content, for
the public search (`apps.appeals.selectors.published_text_search`), on PostgreSQL only.

pg_trgm splits Chinese text into trigrams too (under a UTF-8 database its characters are
letters), so `%路灯不亮%` is answered from the index. The expressions are exactly what Django's
`icontains` writes (`UPPER(col::text) LIKE UPPER(%s)`), and the indexes cover published rows
only, what the public may search. Built CONCURRENTLY: writes go on while a big table is
indexed. SQLite keeps LIKE and this migration does nothing there.
"""

from django.db import migrations

INDEXES = {
    "appeal_published_title_trgm": "published_title",
    "appeal_published_content_trgm": "published_content",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON appeals_appeal "
            f"USING gin (UPPER({column}::text) gin_trgm_ops) WHERE consent_to_publish AND publish_approved"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("appeals", "0014_seed_reply_templates")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
