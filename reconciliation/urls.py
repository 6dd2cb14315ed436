"""Reconciliation routes, included under ``api/v1/`` by config/urls.py.

Each engineer keeps their routes in their own block below.
"""
from django.urls import path

from .api.sync import SyncDossiersView

app_name = "reconciliation"

urlpatterns = [
    # --- Ingestion (sync from source systems) ---------------------------------------------------
    path("sync/dossiers/", SyncDossiersView.as_view(), name="sync-dossiers"),
    # --- Reconciliation runs, gaps, exports ------------------------------------------------------
]
