"""The readiness API, included under ``api/v1/`` by config/urls.py (namespace ``readiness-api``)."""

from rest_framework.routers import SimpleRouter

from . import views

app_name = "readiness-api"

router = SimpleRouter()
router.register("readiness/criteria", views.CriterionViewSet, basename="criterion")
router.register("readiness/assessments", views.AssessmentViewSet, basename="assessment")
router.register("readiness/roadmap", views.RoadmapViewSet, basename="roadmap")

urlpatterns = router.urls
