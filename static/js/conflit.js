// Un enregistrement refusé pour modification concurrente répond 409 avec l'écran de conflit
// (core/_conflit.html) : htmx l'insère comme une réponse réussie, au lieu de l'ignorer comme une erreur.
htmx.config.responseHandling.unshift({ code: "409", swap: true, error: false });
