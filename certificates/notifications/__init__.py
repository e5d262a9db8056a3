"""Events delivered to people (e-mail) and systems (signed webhooks)."""
