"""The home page (namespace ``tthc``)."""

from django.urls import path

from . import views

app_name = "tthc"

urlpatterns = [
    path("", views.home, name="home"),
]
