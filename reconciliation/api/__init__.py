"""REST API of the reconciliation app: the sync endpoint (source systems push dossiers) and runs/gaps."""
