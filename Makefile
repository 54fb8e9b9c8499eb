# Contrat Enfance — deux commandes suffisent : `make demo` (l'application avec des données de démonstration)
# et `make test` (toute la suite de tests). Tout ce qui manque est installé par ces commandes.
SHELL := /bin/bash
UV_VERSION := 0.13.8
UV := .tools/bin/uv
PY := .venv/bin/python
PORT ?= 8000

.PHONY: demo test install navigateur lint bench clean

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.installe: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	touch $@

install: .venv/.installe

# Chromium de Debian pour les parcours navigateur (Playwright ne télécharge pas son propre navigateur ici).
navigateur:
	@if [ ! -x /usr/bin/chromium ] || ! command -v pdftoppm >/dev/null; then \
		echo "Installation de chromium et poppler-utils (paquets Debian)…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	fi
	@# LibreOffice Calc : les tests ouvrent les classeurs exportés (libreoffice --headless --convert-to csv).
	@if ! command -v libreoffice >/dev/null; then \
		echo "Installation de libreoffice-calc (paquet Debian)…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc >/dev/null; \
	fi

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py donnees_demo
	@echo "Contrat Enfance : http://127.0.0.1:$(PORT)/ (Ctrl+C pour arrêter)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install navigateur
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

clean:
	rm -rf .venv .tools db.sqlite3 staticfiles

# Banc de charge sur un volume national (PostgreSQL de la machine, gunicorn, locust) : voir docs/benchmarks.md.
bench: install
	$(PY) bench/run.py
