"""Reconciliation services: ingestion, reconciliation runs, demo feeds (points at stake: indicators).

Commands, Celery tasks, API views and pages call these functions; none of them holds domain logic.
"""
