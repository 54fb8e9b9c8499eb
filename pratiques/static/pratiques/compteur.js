// Compteur de caractères des zones de texte limitées (amélioration progressive : la limite est aussi vérifiée
// par le serveur). Le décompte est annoncé poliment aux lecteurs d'écran.
document.querySelectorAll("textarea[data-compteur]").forEach(function (zone) {
  var maximum = parseInt(zone.dataset.compteur, 10);
  var compteur = document.createElement("p");
  compteur.className = "fr-hint-text fr-mt-1v";
  compteur.id = zone.id + "-compteur";
  compteur.setAttribute("aria-live", "polite");
  zone.insertAdjacentElement("afterend", compteur);
  var decrits = (zone.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  decrits.push(compteur.id);
  zone.setAttribute("aria-describedby", decrits.join(" "));
  function mettreAJour() {
    var n = zone.value.length;
    compteur.textContent = n + " sur " + maximum + " caractères maximum";
    compteur.classList.toggle("ce-compteur--depasse", n > maximum);
  }
  zone.addEventListener("input", mettreAJour);
  mettreAJour();
});
