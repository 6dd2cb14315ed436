"""Reconciliation pages, included at the site root by config/urls.py (the API is in urls.py)."""
from django.urls import path

from . import views

app_name = "reconciliation_pages"

urlpatterns = [
    path("reconciliation/matrix/", views.matrix, name="matrix"),
    path("reconciliation/gaps/", views.gaps, name="gaps"),
    path("reconciliation/gaps/export.<str:fmt>", views.gaps_export, name="gaps-export"),
    path("reconciliation/dossiers/<codepath:code>/", views.dossier, name="dossier"),
]
