"""The portal's rows of the authorization matrix: pages signed in by session, as a browser is.

Callers as in ``CALLERS``; signed-out callers (anonymous, inactive, expired token) are sent to the
sign-in page (302). Objects belong to exporter A, so exporter B gets 404 for every one of them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from certificates.applications.goods_template import goods_template
from tests.applications.uploads import pdf_bytes, upload
from tests.portal.helpers import form_fields

P = "portal/applications/{pk}/"
PC = "portal/certificates/{number}/"
OUT = 302  # to the sign-in page
PORTAL_MATRIX: dict[tuple[str, str], tuple[int, ...]] = {
    ("portal/", "GET"): (OUT, 302, 302, 302, 403, OUT, OUT),
    ("portal/login/", "GET"): (200, 302, 302, 302, 302, 200, 200),
    ("portal/login/", "POST"): (200, 302, 302, 302, 302, 200, 200),
    ("portal/logout/", "POST"): (302, 302, 302, 302, 302, 302, 302),
    ("portal/language/", "POST"): (302, 302, 302, 302, 302, 302, 302),
    ("portal/password-reset/", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("portal/password-reset/", "POST"): (302, 302, 302, 302, 302, 302, 302),
    ("portal/password-reset/sent/", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("portal/reset/{uidb64}/{token}/", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("portal/reset/{uidb64}/{token}/", "POST"): (200, 200, 200, 200, 200, 200, 200),
    ("portal/reset/done/", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("portal/applications/", "GET"): (OUT, 200, 200, 403, 403, OUT, OUT),
    ("portal/applications/new/", "GET"): (OUT, 200, 200, 403, 403, OUT, OUT),
    ("portal/applications/new/", "POST"): (OUT, 302, 302, 403, 403, OUT, OUT),
    (P, "GET"): (OUT, 200, 404, 200, 403, OUT, OUT),
    (P + "edit/", "GET"): (OUT, 200, 404, 403, 403, OUT, OUT),
    (P + "edit/", "POST"): (OUT, 302, 404, 403, 403, OUT, OUT),
    (P + "submit/", "POST"): (OUT, 302, 404, 403, 403, OUT, OUT),
    (P + "withdraw/", "POST"): (OUT, 302, 404, 403, 403, OUT, OUT),
    (P + "approve/", "POST"): (OUT, 403, 403, 302, 403, OUT, OUT),
    (P + "reject/", "POST"): (OUT, 403, 403, 302, 403, OUT, OUT),
    (P + "return/", "POST"): (OUT, 403, 403, 302, 403, OUT, OUT),
    (P + "assign/", "POST"): (OUT, 403, 403, 302, 403, OUT, OUT),
    (P + "diff/", "GET"): (OUT, 403, 403, 200, 403, OUT, OUT),
    (P + "import/", "GET"): (OUT, 200, 404, 403, 403, OUT, OUT),
    (P + "import/", "POST"): (OUT, 302, 404, 403, 403, OUT, OUT),
    (P + "documents/", "POST"): (OUT, 302, 404, 403, 403, OUT, OUT),
    (P + "documents/{doc_id}/", "GET"): (OUT, 200, 404, 200, 403, OUT, OUT),
    (P + "documents/{doc_id}/remove/", "POST"): (OUT, 302, 404, 403, 403, OUT, OUT),
    ("portal/goods-template.{file_format}", "GET"): (OUT, 200, 200, 403, 403, OUT, OUT),
    ("portal/queue/", "GET"): (OUT, 403, 403, 200, 403, OUT, OUT),
    ("portal/dashboard/", "GET"): (OUT, 403, 403, 200, 403, OUT, OUT),
    (PC + "pdf", "GET"): (OUT, 200, 404, 200, 403, OUT, OUT),
    (PC + "jws", "GET"): (OUT, 200, 404, 200, 403, OUT, OUT),
    (PC + "revoke/", "POST"): (OUT, 403, 403, 302, 403, OUT, OUT),
    (PC + "replace/", "GET"): (OUT, 403, 403, 200, 403, OUT, OUT),
    (PC + "replace/", "POST"): (OUT, 403, 403, 302, 403, OUT, OUT),
}
PORTAL_KEYS = {"uidb64": "MQ", "token": "set-password", "file_format": "xlsx"}


def is_portal(route: str) -> bool:
    return route.startswith("portal/")


def portal_body(route: str, method: str) -> dict | None:
    """What the page's form would post; ``None`` for the forms that need nothing."""
    reason = {"reason": "The HS code of line 1 is wrong."}
    bodies = {
        ("portal/applications/new/", "POST"): form_fields(),
        (P + "edit/", "POST"): form_fields(),
        (P + "reject/", "POST"): reason,
        (P + "return/", "POST"): reason,
        (PC + "revoke/", "POST"): reason,
        (PC + "replace/", "POST"): form_fields(),
        ("portal/language/", "POST"): {"language": "ru", "next": "/portal/"},
        ("portal/password-reset/", "POST"): {"email": "nobody@example.test"},
        (P + "documents/", "POST"): {"kind": "invoice", "file": upload("invoice.pdf", pdf_bytes())},
        (P + "import/", "POST"): {"file": upload("goods.csv", goods_template("csv").content)},
    }
    return bodies.get((route, method))


def session_sign_in(client, user) -> None:
    """Signed in as the browser would be; an inactive user's session counts as signed out."""
    client.force_login(get_user_model().objects.get(pk=user.pk))
