"""All of certsvc's cryptography. Never imports ``certificates``."""
