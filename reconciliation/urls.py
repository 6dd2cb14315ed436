"""Reconciliation pages (namespace ``reconciliation``); the API is in reconciliation/api/urls.py."""

from django.urls import path

from . import views

app_name = "reconciliation"

urlpatterns = [
    path("reconciliation/matrix/", views.matrix, name="matrix"),
    path("reconciliation/gaps/", views.gaps, name="gaps"),
    path("reconciliation/gaps/export.<str:fmt>", views.gaps_export, name="gaps-export"),
    path("reconciliation/dossiers/<codepath:code>/", views.dossier, name="dossier"),
]
