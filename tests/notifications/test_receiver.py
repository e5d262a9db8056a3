import json
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from certificates.notifications.services import webhook_secret_generate
from certificates.notifications.webhook_receiver import WebhookVerificationError, verify_webhook

BODY = json.dumps(
    {"type": "certificate.revoked", "timestamp": "2026-11-28T10:15:00Z", "data": {"number": "N"}}
)


def headers_for(secret: str, *, at: datetime | None = None, message_id: str = "msg_1") -> dict[str, str]:
    moment = (at or datetime.now(tz=UTC)).replace(microsecond=0)
    signature = Webhook(secret).sign(msg_id=message_id, timestamp=moment, data=BODY)
    return {
        "Webhook-Id": message_id,
        "Webhook-Timestamp": str(int(moment.timestamp())),
        "Webhook-Signature": signature,
    }


def test_a_correct_signature_returns_the_payload():
    secret = webhook_secret_generate()

    payload = verify_webhook(secret=secret, headers=headers_for(secret), body=BODY.encode())

    assert payload["data"] == {"number": "N"}


def test_a_signature_under_another_secret_is_refused():
    headers = headers_for(webhook_secret_generate())
    with pytest.raises(WebhookVerificationError):
        verify_webhook(secret=webhook_secret_generate(), headers=headers, body=BODY.encode())


def test_a_changed_body_is_refused():
    secret = webhook_secret_generate()
    with pytest.raises(WebhookVerificationError):
        verify_webhook(secret=secret, headers=headers_for(secret), body=BODY.replace("N", "M").encode())


def test_a_signature_copied_onto_another_message_id_is_refused():
    secret = webhook_secret_generate()
    headers = {**headers_for(secret), "Webhook-Id": "msg_2"}
    with pytest.raises(WebhookVerificationError):
        verify_webhook(secret=secret, headers=headers, body=BODY.encode())


def test_an_old_timestamp_is_refused_and_the_tolerance_is_adjustable():
    secret = webhook_secret_generate()
    headers = headers_for(secret, at=datetime.now(tz=UTC) - timedelta(minutes=10))

    with pytest.raises(WebhookVerificationError, match="tolerance"):
        verify_webhook(secret=secret, headers=headers, body=BODY.encode())
    assert verify_webhook(secret=secret, headers=headers, body=BODY.encode(), tolerance=timedelta(minutes=15))


def test_missing_headers_are_refused():
    with pytest.raises(WebhookVerificationError, match="Missing"):
        verify_webhook(secret=webhook_secret_generate(), headers={}, body=BODY.encode())


def test_any_one_of_several_signatures_is_enough():
    old, new = webhook_secret_generate(), webhook_secret_generate()
    both = headers_for(new)
    both["Webhook-Signature"] = (
        "v2,ignored " + both["Webhook-Signature"] + " " + headers_for(old)["Webhook-Signature"]
    )

    assert verify_webhook(secret=old, headers=both, body=BODY.encode())
    assert verify_webhook(secret=new, headers=both, body=BODY.encode())


def test_the_standard_webhooks_library_verifies_the_same_headers():
    secret = webhook_secret_generate()
    assert Webhook(secret).verify(BODY, headers_for(secret))["type"] == "certificate.revoked"
