"""Anchoring the audit chains in the transparency log, and checking every chain against its anchors."""
