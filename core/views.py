from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django_ratelimit.core import is_ratelimited

from .forms import ChangementMotDePasseForm, ConnexionForm, NouveauMotDePasseForm, ReinitialisationForm
from .sante import EN_PANNE, etat_des_parties


class Connexion(auth_views.LoginView):
    form_class = ConnexionForm
    template_name = "registration/connexion.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        """Force brute : d'abord ralentie (un nombre d'essais par minute et par adresse, tous comptes confondus),
        puis chaque compte est verrouillé après AXES_FAILURE_LIMIT échecs, le temps du refroidissement."""
        if is_ratelimited(
            request, group="connexion", key="ip", rate=settings.LIMITE_CONNEXIONS_IP, method="POST", increment=True
        ):
            form = self.form_class(request, initial={"username": request.POST.get("username", "")})
            return self.render_to_response(self.get_context_data(form=form, trop_de_tentatives=True), status=429)
        return super().post(request, *args, **kwargs)


class Reinitialisation(auth_views.PasswordResetView):
    form_class = ReinitialisationForm
    template_name = "registration/reinitialisation.html"
    email_template_name = "registration/email_reinitialisation.txt"
    subject_template_name = "registration/sujet_reinitialisation.txt"
    success_url = reverse_lazy("reinitialisation_envoyee")


class NouveauMotDePasse(auth_views.PasswordResetConfirmView):
    form_class = NouveauMotDePasseForm
    template_name = "registration/nouveau_mot_de_passe.html"
    success_url = reverse_lazy("reinitialisation_terminee")


class ChangementMotDePasse(auth_views.PasswordChangeView):
    form_class = ChangementMotDePasseForm
    template_name = "registration/changement_mot_de_passe.html"
    success_url = reverse_lazy("mon_compte")

    def form_valid(self, form):
        from django.contrib import messages

        messages.success(self.request, "Votre mot de passe a été modifié.")
        return super().form_valid(form)


def mon_compte(request):
    adhesions = request.user.adhesions.select_related("institution__type").order_by("institution__nom")
    return render(request, "core/mon_compte.html", {"adhesions": adhesions})


@login_not_required
@never_cache
def sante(request):
    """L'état de chaque partie (core/sante.py) : 503 si la base est en panne, 200 sinon (« dégradé » compris)."""
    etat = etat_des_parties()
    statut = 503 if etat["etat"] == EN_PANNE else 200
    return JsonResponse(etat, status=statut, json_dumps_params={"ensure_ascii": False})


@login_not_required
def vivant(request):
    """Vue minimale (ni base, ni gabarit, ni Redis) : le processus répond. Plancher du banc de charge."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
def accessibilite(request):
    return render(request, "core/accessibilite.html")


@login_not_required
def erreur_403(request, exception=None):
    return render(request, "erreurs/403.html", status=403)


@login_not_required
def erreur_404(request, exception=None):
    return render(request, "erreurs/404.html", status=404)


@login_not_required
def erreur_500(request):
    return render(request, "erreurs/500.html", status=500)
