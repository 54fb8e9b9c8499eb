// Ordre du jour : le jeton CSRF accompagne les requêtes htmx (formulaires déjà munis du champ caché).
document.addEventListener("htmx:configRequest", function (evenement) {
  var jeton = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (jeton) evenement.detail.headers["X-CSRFToken"] = jeton.value;
});
