"""The demo: realistic data generated as the portal's own records and fed through ingestion.

The top of the house: it imports the domain apps' services, and no domain app imports it
(docs/demo.md). ``manage.py seed_demo`` runs it.
"""
