"""Outside verifiers of credentials: Python's joserfc and Node's jose (npm), neither used by certsvc."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from joserfc import jws as jose_jws
from joserfc.jwk import OKPKey

from tests.services import require

JS_DIR = Path(__file__).resolve().parent / "js"


def joserfc_verify(token: str, jwk: dict) -> tuple[dict, dict]:
    """The protected header and the payload, once joserfc has verified the token with ``jwk``."""
    compact = jose_jws.deserialize_compact(token, OKPKey.import_key(jwk), algorithms=["EdDSA"])
    return dict(compact.protected), json.loads(compact.payload)


def node_verify(token: str, jwk: dict) -> tuple[dict, dict]:
    """The same, verified by Node's ``jose``; raises ``AssertionError`` when it refuses the token."""
    run = subprocess.run(
        ["node", str(_jose_dir() / "verify.mjs")],
        input=json.dumps({"token": token, "jwk": jwk}),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert run.returncode == 0, f"jose refused the token: {run.stderr}"
    answer = json.loads(run.stdout)
    return answer["header"], answer["payload"]


def _jose_dir() -> Path:
    """A cache folder holding the pinned ``jose`` (``npm ci`` once per lock file) and the script."""
    require(shutil.which("node") is not None and shutil.which("npm") is not None, "Node.js and npm")
    lock = (JS_DIR / "package-lock.json").read_bytes()
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    target = cache / "certsvc-tests" / f"jose-{hashlib.sha256(lock).hexdigest()[:16]}"
    if not (target / "node_modules" / "jose" / "package.json").exists():
        target.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(JS_DIR / name, target / name)
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=target,
            check=True,
            capture_output=True,
            timeout=300,
        )
    shutil.copy(JS_DIR / "verify.mjs", target / "verify.mjs")
    return target


def did_web_path(did: str) -> tuple[str, str]:
    """The host and the path a did:web resolves to, by the method's rules (W3C did:web §3.2)."""
    assert did.startswith("did:web:"), did
    host, *path = did.removeprefix("did:web:").split(":")
    host = host.replace("%3A", ":")
    return host, ("/" + "/".join(path) + "/did.json") if path else "/.well-known/did.json"


def resolve_kid(client, token: str, did: str) -> dict:
    """The JWK the issuer's DID document holds for the token's ``kid``; fails when it holds none."""
    header = json.loads(_header(token))
    document = client.get(did_web_path(did)[1]).json()
    assert document["id"] == did
    methods = {method["id"]: method for method in document["verificationMethod"]}
    method = methods.get(f"{did}#{header['kid']}")
    assert method is not None, f"{did} does not hold key {header['kid']}"
    assert method["type"] == "JsonWebKey"
    assert method["controller"] == did
    return method["publicKeyJwk"]


def _header(token: str) -> str:
    part = token.split(".")[0]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()
