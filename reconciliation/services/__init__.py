"""Reconciliation services: ingestion, reconciliation runs, impact in points.

Commands, Celery tasks, API views and pages call these functions; none of them holds domain logic.
"""
