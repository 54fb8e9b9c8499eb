from django.db import migrations, models
from django.utils import timezone


def liens_existants_valables_a_partir_d_aujourd_hui(apps, schema_editor):
    """Les liens déjà envoyés n'ont pas de date : leur délai court à partir de la mise en service, pour qu'aucun
    déclarant ne perde l'accès à son brouillon le jour de la mise à jour."""
    Pratique = apps.get_model("pratiques", "Pratique")
    Pratique.objects.exclude(jeton_empreinte="").update(jeton_cree_le=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("pratiques", "0003_fichiers_analyse_antivirus"),
    ]

    operations = [
        migrations.AddField(
            model_name="pratique",
            name="jeton_cree_le",
            field=models.DateTimeField(
                blank=True,
                help_text="Le lien secret de reprise expire PRATIQUES_DUREE_LIEN_REPRISE_JOURS jours après son envoi.",
                null=True,
                verbose_name="lien de reprise envoyé le",
            ),
        ),
        migrations.RunPython(liens_existants_valables_a_partir_d_aujourd_hui, migrations.RunPython.noop),
    ]
