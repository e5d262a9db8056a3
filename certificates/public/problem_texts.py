"""What each problem ``type`` page says: a title, then what went wrong and what to do.

One entry per code the API answers with; tests/public/test_problem_pages.py finds every code in
the source and fails on one missing here. Russian and Uzbek are in the .po files (msgctxt
"problem page").
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from certificates.public.problem_texts_bundle import BUNDLE_PAGES
from certificates.public.problem_texts_customs import CUSTOMS_PAGES

# The msgctxt of these pages' strings: "Not found" here is a page title, not an API title.
PAGE_CONTEXT = "problem page"

PROBLEM_PAGES: dict[str, tuple[Promise, Promise]] = {
    "validation_error": (
        pgettext_lazy(PAGE_CONTEXT, "Invalid fields"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "Some fields of the request are missing or invalid. The response lists each one in "
            "errors, with its path (items.2.hs_code is the third item) and a message: correct them "
            "and send the request again.",
        ),
    ),
    "parse_error": (
        pgettext_lazy(PAGE_CONTEXT, "Unreadable request body"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The body is not valid JSON, or it is nested too deeply or holds too many values. Send "
            "one JSON object encoded in UTF-8.",
        ),
    ),
    "unsupported_media_type": (
        pgettext_lazy(PAGE_CONTEXT, "Unsupported media type"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The API reads JSON only. Send the body with Content-Type: application/json.",
        ),
    ),
    "request_too_large": (
        pgettext_lazy(PAGE_CONTEXT, "Request too large"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The request body is larger than the service accepts. Send fewer goods items or shorter texts.",
        ),
    ),
    "not_authenticated": (
        pgettext_lazy(PAGE_CONTEXT, "Authentication required"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The request carries no credentials. Sign in at /api/v1/auth/login/ and send the token as"
            " Authorization: Token <token>.",
        ),
    ),
    "authentication_failed": (
        pgettext_lazy(PAGE_CONTEXT, "Authentication failed"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The token is unknown, expired or revoked. Sign in again to get a new token.",
        ),
    ),
    "invalid_credentials": (
        pgettext_lazy(PAGE_CONTEXT, "Wrong user name or password"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The user name or the password is wrong, or the account is disabled. Check them; after "
            "several failures in a row sign-in is locked for a while.",
        ),
    ),
    "permission_denied": (
        pgettext_lazy(PAGE_CONTEXT, "Permission denied"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "Your role does not allow this action. Ask your organization's administrator if you need it.",
        ),
    ),
    "not_found": (
        pgettext_lazy(PAGE_CONTEXT, "Not found"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "Nothing with this address exists, or it is not visible to you. Check the number or "
            "identifier in the address.",
        ),
    ),
    "method_not_allowed": (
        pgettext_lazy(PAGE_CONTEXT, "Method not allowed"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "This address does not accept this HTTP method. The Allow header lists the ones it accepts.",
        ),
    ),
    "not_acceptable": (
        pgettext_lazy(PAGE_CONTEXT, "Not acceptable"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The service cannot answer in any format the Accept header asks for. Accept application/json.",
        ),
    ),
    "throttled": (
        pgettext_lazy(PAGE_CONTEXT, "Too many requests"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "Too many requests came from you in a short time. Wait the number of seconds given in "
            "Retry-After, then try again.",
        ),
    ),
    "idempotency_key_invalid": (
        pgettext_lazy(PAGE_CONTEXT, "Invalid Idempotency-Key"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The Idempotency-Key header is empty or longer than 255 characters. Send a unique value "
            "of at most 255 characters, for example a UUID.",
        ),
    ),
    "idempotency_key_reused": (
        pgettext_lazy(PAGE_CONTEXT, "Idempotency-Key reused"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "This Idempotency-Key was already used for a different request. Use a new key for a new "
            "request; repeat a request only with its own key and the same body.",
        ),
    ),
    "idempotency_key_in_progress": (
        pgettext_lazy(PAGE_CONTEXT, "Request still in progress"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "A request with this Idempotency-Key is still being processed. Wait a moment and send it "
            "again to get its answer.",
        ),
    ),
    "invalid_field": (
        pgettext_lazy(PAGE_CONTEXT, "Field not allowed here"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The request sets a field that this action does not accept. Remove it; the detail says "
            "which one.",
        ),
    ),
    "item_count": (
        pgettext_lazy(PAGE_CONTEXT, "Wrong number of goods items"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "An application has at least one goods item and no more than the maximum given in the "
            "detail. Split larger consignments into several applications.",
        ),
    ),
    "no_items": (
        pgettext_lazy(PAGE_CONTEXT, "No goods items"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "An application cannot be submitted without goods items. Add at least one item and submit again.",
        ),
    ),
    "invalid_transition": (
        pgettext_lazy(PAGE_CONTEXT, "Not possible in this status"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The application's current status does not allow this step (for example, approving a "
            "draft). Reload the application to see its status.",
        ),
    ),
    "not_editable": (
        pgettext_lazy(PAGE_CONTEXT, "Application cannot be changed"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "Only draft or returned applications can be changed or deleted. Wait for the officer's "
            "decision, or ask for the application to be returned.",
        ),
    ),
    "not_exporter": (
        pgettext_lazy(PAGE_CONTEXT, "Exporters only"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "Only an exporter of the application's organization can do this. Sign in with an exporter"
            " account.",
        ),
    ),
    "not_officer": (
        pgettext_lazy(PAGE_CONTEXT, "Certification officers only"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "Only a certification officer can do this. Sign in with an officer account.",
        ),
    ),
    "reason_required": (
        pgettext_lazy(PAGE_CONTEXT, "Reason required"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "This action needs a reason: send it in the reason field. It is kept in the history.",
        ),
    ),
    "not_submitted": (
        pgettext_lazy(PAGE_CONTEXT, "Not in the review queue"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "Only a submitted application waiting for a decision is assigned to an officer.",
        ),
    ),
    "already_assigned": (
        pgettext_lazy(PAGE_CONTEXT, "Assigned to another officer"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "Another officer works on this application. An administrator can reassign it, with a reason.",
        ),
    ),
    "not_approved": (
        pgettext_lazy(PAGE_CONTEXT, "Application not approved"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "A certificate is issued only for an approved application. Wait for the officer to approve it.",
        ),
    ),
    "not_failed": (
        pgettext_lazy(PAGE_CONTEXT, "Issuance has not failed"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "Only a failed issuance can be retried; this one is pending or done. Reload the "
            "application to see its state.",
        ),
    ),
    "no_issuer": (
        pgettext_lazy(PAGE_CONTEXT, "No issuing body configured"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The service has no issuing organization yet, so nothing can be signed. The administrator"
            " must create it; then retry the issuance.",
        ),
    ),
    "replaced_not_issued": (
        pgettext_lazy(PAGE_CONTEXT, "Certificate cannot be replaced"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "Only a valid issued certificate can be replaced; this one is revoked or already "
            "replaced. Check its status.",
        ),
    ),
    "replacement_pending": (
        pgettext_lazy(PAGE_CONTEXT, "Replacement already under way"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "An application to replace this certificate is already open. Continue with that "
            "application instead of starting another.",
        ),
    ),
    "endpoint_inactive": (
        pgettext_lazy(PAGE_CONTEXT, "Webhook endpoint inactive"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "Deliveries cannot be re-sent to a deactivated endpoint. Activate the endpoint first.",
        ),
    ),
    "invalid_event_types": (
        pgettext_lazy(PAGE_CONTEXT, "Unknown event types"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The endpoint subscribes to event types that do not exist. Use the event types listed in "
            "the API documentation.",
        ),
    ),
    "too_many_endpoints": (
        pgettext_lazy(PAGE_CONTEXT, "Too many webhook endpoints"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "Your organization has as many webhook endpoints as allowed. Delete one you no longer use.",
        ),
    ),
    "unsafe_url": (
        pgettext_lazy(PAGE_CONTEXT, "Webhook address refused"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "Webhooks are delivered only to public https:// addresses; private, local and plain-http "
            "addresses are refused. Use a public https:// address.",
        ),
    ),
    "signing_error": (
        pgettext_lazy(PAGE_CONTEXT, "Signing error"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The signing service refused the request. The detail says why; retry later if it persists.",
        ),
    ),
    "no_active_signing_key": (
        pgettext_lazy(PAGE_CONTEXT, "No active signing key"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "No signing key is active, so nothing can be signed now. The administrator must create or"
            " rotate a key; pending issuances then continue by themselves.",
        ),
    ),
    "signing_key_unavailable": (
        pgettext_lazy(PAGE_CONTEXT, "Signing key unavailable"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The signing key cannot be used right now (its protection key is missing or the device is"
            " down). Try again later; the administrator is to check the signing backend.",
        ),
    ),
    "signing_key_not_found": (
        pgettext_lazy(PAGE_CONTEXT, "Signing key not found"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "No signing key has this key id. The keys in use are published at /.well-known/jwks.json.",
        ),
    ),
    "signing_key_state": (
        pgettext_lazy(PAGE_CONTEXT, "Signing key state does not allow this"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The key's current status does not allow this change (for example, activating a revoked "
            "key). Check the key's status and retry.",
        ),
    ),
    "invalid_compromise_time": (
        pgettext_lazy(PAGE_CONTEXT, "Invalid compromise time"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The time the key was compromised must have a time zone and must not be in the future. "
            "Send it as RFC 3339, e.g. 2026-01-31T12:00:00Z.",
        ),
    ),
    "signing_unavailable": (
        pgettext_lazy(PAGE_CONTEXT, "Answer cannot be signed now"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The verification answer cannot be signed because no signing key is usable right now. Try"
            " again in a few minutes.",
        ),
    ),
    "registry_unavailable": (
        pgettext_lazy(PAGE_CONTEXT, "Registry unavailable"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The certificate registry cannot be read right now. Try again in a few minutes; nothing "
            "is wrong with the certificate itself.",
        ),
    ),
    "log_number_unknown": (
        pgettext_lazy(PAGE_CONTEXT, "Not in the transparency log"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "No entry of the transparency log belongs to this certificate number. Check the number; a"
            " certificate issued moments ago appears shortly.",
        ),
    ),
    "log_unsigned": (
        pgettext_lazy(PAGE_CONTEXT, "Transparency log not yet signed"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "The transparency log has no signed checkpoint yet. Try again in a minute: a checkpoint "
            "is signed every minute.",
        ),
    ),
    "not_customs": (
        pgettext_lazy(PAGE_CONTEXT, "Customs only"),
        pgettext_lazy(
            PAGE_CONTEXT,
            "Only customs users record and annul declarations against a certificate. Sign in with a "
            "customs account.",
        ),
    ),
    **CUSTOMS_PAGES,
    **BUNDLE_PAGES,
}
