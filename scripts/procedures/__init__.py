"""The hand-compiled procedure catalogue read by ``scripts/gen_procedures.py`` (stdlib only)."""
