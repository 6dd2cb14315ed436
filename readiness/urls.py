"""Readiness pages (namespace ``readiness``); the API is in readiness/api/urls.py."""

from django.urls import path

from . import views

app_name = "readiness"

urlpatterns = [
    path("public/readiness/", views.public_list, name="public"),
    path("public/readiness/export/<str:fmt>/", views.public_export, name="public-export"),
    path("readiness/", views.dashboard, name="dashboard"),
    path("readiness/ministry/<code:agency>/", views.ministry, name="ministry"),
    path("readiness/ministry/<code:agency>/assess/", views.assess, name="assess"),
    path("readiness/ministry/<code:agency>/export/<str:fmt>/", views.ministry_export, name="ministry-export"),
    path("readiness/assessments/<int:pk>/", views.assessment, name="assessment"),
    path("readiness/assessments/<int:pk>/<str:name>/", views.decide, name="decide"),
    path("readiness/assessments/<int:pk>/results/<int:result>/file/", views.attachment, name="attachment"),
    path("readiness/province/<code:agency>/", views.province, name="province"),
    path("readiness/province/<code:agency>/plan/", views.plan, name="plan"),
]
