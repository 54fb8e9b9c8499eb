"""Recherche plein texte en français, accents ignorés (PostgreSQL seulement ; rien à faire sous SQLite)."""

from django.db import migrations

CREER = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'fr_sans_accent') THEN
        CREATE TEXT SEARCH CONFIGURATION fr_sans_accent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION fr_sans_accent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
END
$$;
"""


def creer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREER)


def supprimer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS fr_sans_accent;")


class Migration(migrations.Migration):
    dependencies = [("espace_partage", "0001_initial")]

    operations = [migrations.RunPython(creer, supprimer)]
