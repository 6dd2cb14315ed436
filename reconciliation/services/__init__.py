"""Reconciliation services: ingestion, reconciliation runs (points at stake: indicators).

Commands, Celery tasks, API views and pages call these functions; none of them holds domain logic.
"""
