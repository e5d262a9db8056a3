"""Append-only Merkle log (RFC 9162 §2.1) of byte strings."""
