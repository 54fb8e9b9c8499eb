// Compteur de caractères des zones de texte limitées (core/limites.py pose data-compteur et maxlength).
// Amélioration progressive : la limite est vérifiée par le serveur, qui renvoie le texte avec un message.
// Avec ce script, maxlength est retiré : un texte collé trop long n'est pas coupé sans le dire, il est
// signalé en rouge (« 20 214 / 20 000 caractères : 214 de trop ») et le serveur le refusera en le gardant.
// Le décompte visible suit la frappe ; l'annonce aux lecteurs d'écran (aria-live) attend une pause.
(function () {
  "use strict";
  var ATTENTE_ANNONCE = 1500;

  function nombre(n) {
    return n.toLocaleString("fr-FR");
  }

  function longueur(texte) {
    return texte.replace(/\r\n/g, "\n").length;
  }

  function installer(zone) {
    if (zone.dataset.compteurInstalle) {
      return;
    }
    var maximum = parseInt(zone.dataset.compteur, 10);
    if (!maximum) {
      return;
    }
    zone.dataset.compteurInstalle = "1";
    zone.removeAttribute("maxlength");
    var id = (zone.id || "zone-" + Math.random().toString(36).slice(2)) + "-compteur";
    var visible = document.createElement("p");
    visible.className = "fr-hint-text fr-mt-1v fr-mb-0 ce-compteur";
    visible.id = id;
    var annonce = document.createElement("p");
    annonce.className = "fr-sr-only";
    annonce.setAttribute("aria-live", "polite");
    zone.insertAdjacentElement("afterend", visible);
    visible.insertAdjacentElement("afterend", annonce);
    var decrits = (zone.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    decrits.push(id);
    zone.setAttribute("aria-describedby", decrits.join(" "));

    var minuterie = null;
    function texte() {
      var n = longueur(zone.value);
      var phrase = nombre(n) + " / " + nombre(maximum) + " caractères";
      if (n > maximum) {
        phrase += " : " + nombre(n - maximum) + " de trop";
      }
      return { n: n, phrase: phrase };
    }
    function mettreAJour(annoncer) {
      var etat = texte();
      var depasse = etat.n > maximum;
      visible.textContent = etat.phrase;
      visible.classList.toggle("fr-error-text", depasse);
      visible.classList.toggle("fr-hint-text", !depasse);
      if (depasse) {
        zone.setAttribute("aria-invalid", "true");
      } else if (!zone.closest(".fr-input-group--error")) {
        zone.removeAttribute("aria-invalid");
      }
      if (annoncer) {
        window.clearTimeout(minuterie);
        minuterie = window.setTimeout(function () {
          annonce.textContent = texte().phrase;
        }, ATTENTE_ANNONCE);
      }
    }
    zone.addEventListener("input", function () {
      mettreAJour(true);
    });
    mettreAJour(false);
  }

  function installerDans(racine) {
    if (racine.matches && racine.matches("textarea[data-compteur], input[data-compteur]")) {
      installer(racine);
    }
    if (racine.querySelectorAll) {
      racine.querySelectorAll("textarea[data-compteur], input[data-compteur]").forEach(installer);
    }
  }

  function demarrer() {
    installerDans(document);
    // Les rubriques et les formulaires remplacés par htmx reçoivent aussi leur compteur.
    document.body.addEventListener("htmx:load", function (evenement) {
      installerDans(evenement.target);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", demarrer);
  } else {
    demarrer();
  }
})();
