"""The requests, notifications and feedback-cases API, included under ``api/v1/`` by config/urls.py
(namespace ``complaints-api``)."""

from rest_framework.routers import SimpleRouter

from . import views

app_name = "complaints-api"

router = SimpleRouter()
router.register("requests", views.RequestViewSet, basename="request")
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("feedback-cases", views.FeedbackCaseViewSet, basename="feedback-case")

urlpatterns = router.urls
