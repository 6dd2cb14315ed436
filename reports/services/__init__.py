"""The documents' domain logic: which document for whom (``targets``), what it says (``context``),
how it is typeset (``pdf``, ``docx``) and how large ones are rendered by workers and kept (``jobs``)."""
