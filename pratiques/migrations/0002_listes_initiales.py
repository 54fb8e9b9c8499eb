"""Les listes du formulaire sont chargées après chaque migrate par `pratiques.listes.charger_listes`
(post_migrate, comme les autres référentiels) : cette migration ne fait plus rien, elle reste pour l'historique
des bases déjà migrées."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pratiques", "0001_initial")]

    operations = []
