"""Readiness services: assessments (the workflow), publication (lists, dashboards, the commitment
figure), province plans, deadline chasing and the exports' columns."""
