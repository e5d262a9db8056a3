"""Settings of the PKCS#11 signing backend (``SIGNING_BACKEND=pkcs11``), read from the environment."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from certsvc.env import env_secret, env_str

# The token vendor's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so for SoftHSM2.
PKCS11_MODULE = env_str("PKCS11_MODULE")
# The label the token was initialised with (softhsm2-util --init-token --label …).
PKCS11_TOKEN_LABEL = env_str("PKCS11_TOKEN_LABEL", "certsvc")
# The token's user PIN; PKCS11_PIN_FILE names a file that holds it instead.
PKCS11_PIN = env_secret("PKCS11_PIN")

if env_str("SIGNING_BACKEND") == "pkcs11" and not (PKCS11_MODULE and PKCS11_PIN):
    raise ImproperlyConfigured(
        "SIGNING_BACKEND=pkcs11 needs PKCS11_MODULE and PKCS11_PIN (or PKCS11_PIN_FILE)"
    )
