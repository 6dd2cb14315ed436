"""The delegation page (Django's auth views are included next to it in config/urls.py)."""
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("delegation/", views.delegation, name="delegation"),
    path("delegation/<int:pk>/revoke/", views.revoke, name="revoke"),
]
