"""The API's ReDoc page. ReDoc styles itself with injected ``<style>`` elements and renders in a web
worker, so this one page allows inline styles and ``blob:`` workers on top of the site's policy; it
still loads nothing from another origin (drf-spectacular-sidecar's bundle, served by whitenoise)."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView


@method_decorator(
    csp_update({"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}), name="dispatch"
)
class RedocView(SpectacularRedocView):
    pass
