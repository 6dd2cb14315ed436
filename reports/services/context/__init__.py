"""One context builder per document kind: plain data read from the other apps' services."""
