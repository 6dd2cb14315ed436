"""The read-only agencies and dossiers API (``/api/v1/``), scoped by the permission gate."""
