// Mode projection : ← / → changent de fiche, Échap revient à l'ordre du jour (liens de la page sinon).
document.addEventListener("keydown", function (evenement) {
  if (evenement.target.closest("input, textarea, select")) return;
  var cibles = { ArrowLeft: "lien-precedent", ArrowRight: "lien-suivant", Escape: "lien-quitter" };
  var lien = cibles[evenement.key] && document.getElementById(cibles[evenement.key]);
  if (lien) {
    evenement.preventDefault();
    window.location.href = lien.href;
  }
});
