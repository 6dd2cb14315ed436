"""Pages under ``/requests/`` (namespace ``complaints``); the API is in complaints/api/urls.py."""

from django.urls import include, path

from . import views

app_name = "complaints"

pages = [
    path("", views.request_list, name="list"),
    path("review/", views.review, name="review"),
    path("review/submit/", views.bulk_submit, name="bulk-submit"),
    path("inbox/", views.inbox, name="inbox"),
    path("supervision/", views.supervision, name="supervision"),
    path("summary/", views.chairman_summary, name="summary"),
    path("moj-report/", views.moj_report, name="moj-report"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", views.open_notification, name="open-notification"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("<int:pk>/attach/", views.attach, name="attach"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/files/<int:attachment_id>/", views.download, name="download"),
]

urlpatterns = [
    path("requests/", include(pages)),
]
