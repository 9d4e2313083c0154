"""Full-text index of ServiceSearch.document: FTS5 on SQLite, GIN on PostgreSQL."""

from django.db import migrations

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE directory_servicesearch_fts USING fts5(
        document, jurisdiction_id, service_id UNINDEXED, content='directory_servicesearch', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER directory_servicesearch_ai AFTER INSERT ON directory_servicesearch BEGIN
        INSERT INTO directory_servicesearch_fts(rowid, document, jurisdiction_id, service_id)
        VALUES (new.id, new.document, new.jurisdiction_id, new.service_id);
    END""",
    """CREATE TRIGGER directory_servicesearch_ad AFTER DELETE ON directory_servicesearch BEGIN
        INSERT INTO directory_servicesearch_fts(directory_servicesearch_fts, rowid, document, jurisdiction_id, service_id)
        VALUES ('delete', old.id, old.document, old.jurisdiction_id, old.service_id);
    END""",
    """CREATE TRIGGER directory_servicesearch_au AFTER UPDATE ON directory_servicesearch BEGIN
        INSERT INTO directory_servicesearch_fts(directory_servicesearch_fts, rowid, document, jurisdiction_id, service_id)
        VALUES ('delete', old.id, old.document, old.jurisdiction_id, old.service_id);
        INSERT INTO directory_servicesearch_fts(rowid, document, jurisdiction_id, service_id)
        VALUES (new.id, new.document, new.jurisdiction_id, new.service_id);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS directory_servicesearch_au",
    "DROP TRIGGER IF EXISTS directory_servicesearch_ad",
    "DROP TRIGGER IF EXISTS directory_servicesearch_ai",
    "DROP TABLE IF EXISTS directory_servicesearch_fts",
]
POSTGRES_CREATE = [
    "CREATE INDEX directory_servicesearch_tsv ON directory_servicesearch "
    "USING gin (to_tsvector('simple', document))"
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS directory_servicesearch_tsv"]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
