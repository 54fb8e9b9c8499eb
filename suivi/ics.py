"""L'invitation d'une réunion au format iCalendar (.ics), lisible par les agendas (Outlook, Thunderbird…)."""

from datetime import timedelta

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText


def invitation_ics(reunion):
    calendrier = Calendar()
    calendrier.add("prodid", "-//Contrat Enfance//Réunions de suivi//FR")
    calendrier.add("version", "2.0")
    calendrier.add("method", "REQUEST")
    evenement = Event()
    evenement.add("uid", f"reunion-{reunion.pk}@contrat-enfance")
    evenement.add("dtstamp", reunion.modifie_le)
    # Une invitation modifiée remplace la précédente dans l'agenda (même UID, séquence plus grande).
    evenement.add("sequence", int(reunion.modifie_le.timestamp()) - int(reunion.cree_le.timestamp()))
    evenement.add("dtstart", reunion.date)
    evenement.add("dtend", reunion.date + timedelta(minutes=reunion.duree_minutes))
    evenement.add("summary", f"{reunion.get_type_display()} — {reunion.contrat.collectivite}")
    lieu = reunion.lieu or reunion.lien_visio
    if lieu:
        evenement.add("location", lieu)
    description = [f"{reunion.get_type_display()} du contrat {reunion.contrat}."]
    if reunion.lien_visio:
        description.append(f"Visioconférence : {reunion.lien_visio}")
    evenement.add("description", "\n".join(description))
    organisateur = vCalAddress(f"MAILTO:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}")
    organisateur.params["cn"] = vText("Contrat Enfance")
    evenement["organizer"] = organisateur
    for participant in reunion.participants.select_related("utilisateur"):
        if participant.adresse:
            invite = vCalAddress(f"MAILTO:{participant.adresse}")
            invite.params["cn"] = vText(str(participant))
            invite.params["role"] = vText("REQ-PARTICIPANT")
            evenement.add("attendee", invite, encode=0)
    calendrier.add_component(evenement)
    return calendrier.to_ical()
