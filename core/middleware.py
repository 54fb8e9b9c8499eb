import time

from django.conf import settings


class RenouvellementSession:
    """La session expire après SESSION_COOKIE_AGE d'inactivité. Plutôt que de la réécrire à chaque requête
    (SESSION_SAVE_EVERY_REQUEST : trois requêtes SQL de plus par page), on la renouvelle au plus une fois par
    SESSION_RENOUVELLEMENT secondes : l'expiration glisse toujours, à quelques minutes près."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reponse = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            maintenant = int(time.time())
            if maintenant - session.get("renouvelee_le", 0) >= settings.SESSION_RENOUVELLEMENT:
                session["renouvelee_le"] = maintenant  # marque la session modifiée : elle sera réécrite
        return reponse
