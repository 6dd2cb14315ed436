"""Index URLs, included once at the site root: the API under /api/v1/, the pages, the public page."""
from django.urls import include, path

from . import api, views

urlpatterns = [
    path("api/v1/", include(api.urlpatterns)),
    path("indicators/", views.index, name="indicators-index"),
    path("indicators/rankings/", views.rankings, name="indicators-rankings"),
    path("indicators/late/", views.late_units, name="indicators-late"),
    path("indicators/<code:agency>/", views.dashboard, name="indicators-dashboard"),
    path("indicators/<code:agency>/<code:period>/<code:code>/", views.component, name="indicators-component"),
    path("public/results/", views.public_results, name="public-results"),
]
