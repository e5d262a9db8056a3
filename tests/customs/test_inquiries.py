"""Customs inquiries (CONTRACT §10): ask, answer once, list, overdue by the beat task, who may do what."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from certificates.accounts.models import User
from certificates.audit import audit_verify
from certificates.customs.inquiries.errors import InquiryError
from certificates.customs.inquiries.models import Inquiry
from certificates.customs.inquiries.services import (
    inquiries_overdue_mark,
    inquiry_answer,
    inquiry_ask,
    inquiry_audit_digest,
    inquiry_overdue_mark,
)
from certificates.customs.inquiries.tasks import INQUIRIES_OVERDUE
from certificates.issuance.history import CERTIFICATE_STREAM
from certificates.issuance.models import Certificate, CertificateEvent
from certificates.notifications.models import DeliveryStatus, EmailNotification, EventType, WebhookDelivery
from certificates.outbox import publish
from signing.times import rfc3339_parse
from tests.applications.factories import UserFactory, api_client_for
from tests.customs.conftest import customs_of
from tests.issuance.helpers import issue
from tests.notifications.factories import WebhookEndpointFactory
from tests.notifications.servers import ReceiverServer, SMTPServer, WebhookReceiver
from tests.services import running_worker, subprocess_env, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

LIST = "/api/v1/inquiries/"
QUESTION = {"question": "Was line 1 issued for 1200.500 kg, as printed?"}
ANSWER = {"answer": "Confirmed: issued as printed.", "confirmed": True}
RACERS = 50
NO_VERDICT = "Say whether the certificate is confirmed: true or false."


def ask_url(certificate) -> str:
    return f"/api/v1/certificates/{certificate.number}/inquiries/"


def answer_url(inquiry_id: int) -> str:
    return f"/api/v1/inquiries/{inquiry_id}/answer/"


def ask(user, certificate, question: str = QUESTION["question"]) -> Inquiry:
    return inquiry_ask(certificate=certificate, actor=user, question=question)


def errors_of(response) -> dict[str, str]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def overdue(inquiry: Inquiry) -> Inquiry:
    Inquiry.objects.filter(pk=inquiry.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    return inquiry


def inquiry_events(certificate) -> list[tuple[str, str]]:
    events = CertificateEvent.objects.filter(certificate=certificate, action__startswith="inquiry_")
    return list(events.order_by("id").values_list("action", "reason"))


def chains_intact() -> bool:
    statuses = dict(Certificate.objects.values_list("pk", "status"))
    return list(audit_verify(stream=CERTIFICATE_STREAM, owner_statuses=statuses)) == []


# --- Asking --------------------------------------------------------------------


def test_customs_of_destination_ask_and_get_the_open_inquiry_the_contract_shows(certificate, customs_by):
    response = api_client_for(customs_by).post(ask_url(certificate), QUESTION, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {
        "id", "number", "status", "question", "asked_at", "due_at", "answer", "confirmed", "answered_at"
    }  # fmt: skip
    assert body | {"id": None, "asked_at": None, "due_at": None} == {
        "id": None,
        "number": certificate.number,
        "status": "open",
        "question": QUESTION["question"],
        "asked_at": None,
        "due_at": None,
        "answer": None,
        "confirmed": None,
        "answered_at": None,
    }
    asked_at, due_at = rfc3339_parse(body["asked_at"]), rfc3339_parse(body["due_at"])
    assert due_at - asked_at == timedelta(days=30)
    assert abs(asked_at - timezone.now()) < timedelta(minutes=1)
    inquiry = Inquiry.objects.get(pk=body["id"])
    assert (inquiry.customs_organization, inquiry.asked_by, inquiry.issuer_country) == (
        customs_by.organization,
        customs_by,
        "UZ",
    )
    digest = inquiry_audit_digest({"question": QUESTION["question"]})
    assert inquiry_events(certificate) == [("inquiry_asked", f"inquiry {inquiry.pk}: sha256 {digest}")]
    assert chains_intact()


def test_customs_of_the_country_of_export_ask_too(certificate, customs_uz):
    response = api_client_for(customs_uz).post(ask_url(certificate), QUESTION, format="json")
    assert response.status_code == 201, response.content


def test_the_due_date_follows_inquiry_due_days(certificate, customs_by, settings):
    settings.INQUIRY_DUE_DAYS = 7
    inquiry = ask(customs_by, certificate)
    assert inquiry.due_at - inquiry.asked_at == timedelta(days=7)


def test_a_revoked_certificate_can_still_be_asked_about(certificate, customs_by):
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.REVOKED)
    response = api_client_for(customs_by).post(ask_url(certificate), QUESTION, format="json")
    assert response.status_code == 201, response.content


# --- Answering -----------------------------------------------------------------


def test_an_officer_answers_once_and_the_asking_customs_are_notified(certificate, customs_by, officer):
    customs_colleague = UserFactory(role=User.Role.CUSTOMS, organization=customs_by.organization)
    UserFactory(role=User.Role.CUSTOMS, organization=customs_of("UZ").organization)  # not the asker
    inquiry = ask(customs_by, certificate)
    client = api_client_for(officer)

    first = client.post(answer_url(inquiry.pk), ANSWER, format="json")
    second = client.post(answer_url(inquiry.pk), ANSWER | {"confirmed": False}, format="json")

    assert first.status_code == 200, first.content
    body = first.json()
    assert (body["status"], body["answer"], body["confirmed"]) == ("answered", ANSWER["answer"], True)
    assert abs(rfc3339_parse(body["answered_at"]) - timezone.now()) < timedelta(minutes=1)
    assert second.status_code == 409
    assert second["Content-Type"] == "application/problem+json"
    problem = second.json()
    assert problem["code"] == "already_answered"
    assert problem["type"].endswith("/problems/already_answered")
    assert api_client_for(None).get("/problems/already_answered", HTTP_ACCEPT="text/html").status_code == 200
    inquiry.refresh_from_db()
    assert (inquiry.confirmed, inquiry.answered_by) == (True, officer)
    emails = EmailNotification.objects.filter(kind=EventType.INQUIRY_ANSWERED)
    assert set(emails.values_list("user", flat=True)) == {customs_by.pk, customs_colleague.pk}
    data = emails.first().data
    assert data | {"links": None, "answered_at": None} == {
        "number": certificate.number,
        "inquiry_id": inquiry.pk,
        "status": "answered",
        "answer": ANSWER["answer"],
        "confirmed": True,
        "answered_at": None,
        "links": None,
    }
    assert rfc3339_parse(data["answered_at"]) == inquiry.answered_at.replace(microsecond=0)
    actions = [action for action, _ in inquiry_events(certificate)]
    assert actions == ["inquiry_asked", "inquiry_answered"]
    digest = inquiry_audit_digest({"answer": ANSWER["answer"], "confirmed": True})
    assert inquiry_events(certificate)[1][1] == f"inquiry {inquiry.pk}: sha256 {digest}"
    # The exporter reads the certificate's history: the fact of the inquiry, never its text.
    exporter_view = api_client_for(certificate.application.created_by).get(
        f"/api/v1/certificates/{certificate.number}/"
    )
    assert exporter_view.status_code == 200
    assert "inquiry_answered" in exporter_view.content.decode()
    assert ANSWER["answer"] not in exporter_view.content.decode()
    assert QUESTION["question"] not in exporter_view.content.decode()
    assert chains_intact()


def test_an_overdue_inquiry_may_still_be_answered(certificate, customs_by, officer):
    inquiry = overdue(ask(customs_by, certificate))
    assert inquiries_overdue_mark() == 1

    response = api_client_for(officer).post(answer_url(inquiry.pk), ANSWER, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "answered"


def test_fifty_concurrent_answers_give_one_200_and_forty_nine_409(
    postgres, transactional_db, certificate, customs_by, officer
):
    inquiry = ask(customs_by, certificate)
    clients = [api_client_for(officer) for _ in range(RACERS)]
    barrier = threading.Barrier(RACERS)
    answers: list = []

    def run(client, n):
        try:
            barrier.wait(30)
            body = {"answer": f"answer {n}", "confirmed": n % 2 == 0}
            answers.append(client.post(answer_url(inquiry.pk), body, format="json"))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(client, n)) for n, client in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [409] * (RACERS - 1)
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"already_answered"}
    winner = next(a.json() for a in answers if a.status_code == 200)
    inquiry.refresh_from_db()
    assert (inquiry.answer, inquiry.confirmed) == (winner["answer"], winner["confirmed"])
    assert [action for action, _ in inquiry_events(certificate)] == ["inquiry_asked", "inquiry_answered"]
    assert EmailNotification.objects.filter(kind=EventType.INQUIRY_ANSWERED).count() == 1
    assert chains_intact()


# --- Lists ---------------------------------------------------------------------


def test_officers_see_overdue_then_open_then_answered_each_by_due_date(certificate, customs_by, officer):
    answered = ask(customs_by, certificate, "answered")
    inquiry_answer(inquiry=answered, actor=officer, answer="Yes.", confirmed=True)
    late = ask(customs_by, certificate, "open, due later")
    soon = ask(customs_by, certificate, "open, due sooner")
    Inquiry.objects.filter(pk=late.pk).update(due_at=timezone.now() + timedelta(days=20))
    Inquiry.objects.filter(pk=soon.pk).update(due_at=timezone.now() + timedelta(days=2))
    lapsed = overdue(ask(customs_by, certificate, "overdue"))
    inquiries_overdue_mark()

    page = api_client_for(officer).get(LIST).json()

    assert page["count"] == 4
    assert set(page) == {"count", "next", "previous", "results"}
    assert [row["id"] for row in page["results"]] == [lapsed.pk, soon.pk, late.pk, answered.pk]
    assert [row["status"] for row in page["results"]] == ["overdue", "open", "open", "answered"]


def test_customs_see_only_their_own_organizations_inquiries(certificate, customs_by, customs_uz):
    mine = ask(customs_by, certificate)
    colleague = UserFactory(role=User.Role.CUSTOMS, organization=customs_by.organization)
    ask(customs_uz, certificate)

    page = api_client_for(colleague).get(LIST).json()

    assert [row["id"] for row in page["results"]] == [mine.pk]


def test_the_list_filters_by_status_and_certificate_number_and_paginates(
    certificate, customs_by, officer, make_submitted
):
    other = ask(customs_by, _another_certificate(make_submitted, officer))
    first = ask(customs_by, certificate)
    second = ask(customs_by, certificate)
    inquiry_answer(inquiry=second, actor=officer, answer="No.", confirmed=False)
    client = api_client_for(officer)

    by_status = client.get(LIST, {"status": "answered"}).json()["results"]
    by_number = client.get(LIST, {"number": certificate.number}).json()["results"]
    paged = client.get(LIST, {"page_size": 1}).json()

    assert [row["id"] for row in by_status] == [second.pk]
    assert {row["id"] for row in by_number} == {first.pk, second.pk}
    assert (paged["count"], len(paged["results"]), paged["next"] is not None) == (3, 1, True)
    assert other.pk not in {row["id"] for row in by_number}
    assert client.get(LIST, {"status": "closed"}).status_code == 400
    assert client.get(LIST, {"page_size": "x"}).status_code == 400
    assert client.get(LIST, {"page": 99}).status_code == 404


def _another_certificate(make_submitted, officer):
    return issue(make_submitted(items=1), officer)


# --- Overdue, by the beat task on a real worker --------------------------------


def test_the_overdue_sweep_turns_only_due_open_inquiries_and_is_safe_to_run_twice(
    certificate, customs_by, officer
):
    lapsed = overdue(ask(customs_by, certificate, "lapsed"))
    waiting = ask(customs_by, certificate, "still in time")
    answered = overdue(ask(customs_by, certificate, "answered in time"))
    inquiry_answer(inquiry=answered, actor=officer, answer="Yes.", confirmed=True)

    assert inquiries_overdue_mark() == 1
    assert inquiries_overdue_mark() == 0
    # A run that read its candidates before another run turned them finds them turned, under the lock.
    assert inquiry_overdue_mark(inquiry_id=lapsed.pk, now=timezone.now()) is False
    assert inquiry_overdue_mark(inquiry_id=answered.pk, now=timezone.now()) is False

    statuses = dict(Inquiry.objects.values_list("pk", "status"))
    assert statuses == {lapsed.pk: "overdue", waiting.pk: "open", answered.pk: "answered"}
    emails = EmailNotification.objects.filter(kind=EventType.INQUIRY_OVERDUE)
    assert list(emails.values_list("user", flat=True)) == [officer.pk]
    data = emails.get().data
    assert data | {"links": None, "due_at": None} == {
        "number": certificate.number,
        "inquiry_id": lapsed.pk,
        "due_at": None,
        "question": "lapsed",
        "links": None,
    }
    lapsed.refresh_from_db()
    assert rfc3339_parse(data["due_at"]) == lapsed.due_at.replace(microsecond=0)
    assert [action for action, _ in inquiry_events(certificate)].count("inquiry_overdue") == 1
    assert chains_intact()


def test_beat_runs_the_overdue_sweep_every_ten_minutes(settings):
    entries = [
        entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == INQUIRIES_OVERDUE
    ]
    assert entries == [{"task": INQUIRIES_OVERDUE, "schedule": 600}]


@pytest.mark.worker
def test_a_real_worker_runs_the_beat_task_twice_and_officers_are_emailed_once(
    transactional_db, redis_broker, certificate, customs_by, officer
):
    second_officer = UserFactory(role=User.Role.OFFICER, organization=officer.organization)
    UserFactory(role=User.Role.EXPORTER)  # never told
    inquiry = overdue(ask(customs_by, certificate))
    with SMTPServer() as smtp, _worker(smtp) as worker:
        assert publish(INQUIRIES_OVERDUE)
        assert publish(INQUIRIES_OVERDUE)
        wait_until(lambda: Inquiry.objects.get(pk=inquiry.pk).status == "overdue", message="the task to run")
        wait_until(lambda: len(smtp.messages) >= 2, message="the officers' e-mail")
        wait_until(lambda: worker.log.count(f"{INQUIRIES_OVERDUE}[") >= 4, message="both runs to finish")
        time.sleep(1)  # room for a wrong third e-mail

    assert sorted(r[0] for r in smtp.inbox.recipients) == sorted([officer.email, second_officer.email])
    assert all(certificate.number in message["Subject"] for message in smtp.messages)
    assert EmailNotification.objects.filter(kind=EventType.INQUIRY_OVERDUE).count() == 2
    assert [action for action, _ in inquiry_events(certificate)].count("inquiry_overdue") == 1


@pytest.mark.worker
def test_the_round_trip_ask_see_first_answer_and_the_customs_webhook_and_email_arrive(
    transactional_db, redis_broker, certificate, customs_by, officer
):
    receiver = WebhookReceiver()
    with ReceiverServer(receiver) as server, SMTPServer() as smtp, _worker(smtp):
        endpoint = WebhookEndpointFactory(
            organization=customs_by.organization, url=server.url, event_types=["inquiry.answered"]
        )
        receiver.secret = endpoint.secret
        older = ask(customs_by, certificate, "an older question, answered")
        inquiry_answer(inquiry=older, actor=officer, answer="Yes.", confirmed=True)
        wait_until(lambda: len(receiver.processed) == 1, message="the first answer's webhook")
        asked = api_client_for(customs_by).post(ask_url(certificate), QUESTION, format="json").json()

        queue = api_client_for(officer).get(LIST).json()["results"]
        assert [row["id"] for row in queue] == [asked["id"], older.pk]
        answered = api_client_for(officer).post(
            answer_url(asked["id"]), ANSWER | {"confirmed": False}, format="json"
        )
        assert answered.status_code == 200, answered.content
        wait_until(lambda: len(receiver.processed) == 2, message="the webhook")
        wait_until(lambda: len(smtp.messages) == 2, message="the e-mail")
        # The receiver counts a delivery before the worker records it: wait for the record too.
        wait_until(lambda: _delivery_statuses() == {DeliveryStatus.DELIVERED}, message="the records")

    payload = next(p for p in receiver.processed.values() if p["data"]["inquiry_id"] == asked["id"])
    assert all(request.verified for request in receiver.requests)
    assert payload["type"] == "inquiry.answered"
    assert payload["data"] | {"links": None, "answered_at": None} == {
        "number": certificate.number,
        "inquiry_id": asked["id"],
        "status": "answered",
        "answer": ANSWER["answer"],
        "confirmed": False,
        "answered_at": None,
        "links": None,
    }
    answered_at = rfc3339_parse(answered.json()["answered_at"]).replace(microsecond=0)
    assert rfc3339_parse(payload["data"]["answered_at"]) == answered_at
    assert smtp.inbox.recipients == [[customs_by.email], [customs_by.email]]
    assert certificate.number in smtp.messages[1]["Subject"]
    assert ANSWER["answer"] in smtp.messages[1].get_body(("plain",)).get_content()
    assert _delivery_statuses() == {DeliveryStatus.DELIVERED}


def _delivery_statuses() -> set[str]:
    return set(WebhookDelivery.objects.values_list("status", flat=True))


def _worker(smtp: SMTPServer):
    env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port), "EMAIL_USE_TLS": "false"}
    return running_worker(
        env=subprocess_env(DJANGO_SETTINGS_MODULE="tests.notifications.worker_settings", **env)
    )


# --- Who may do what -----------------------------------------------------------


def test_exporters_and_officers_cannot_ask(certificate, exporter, officer):
    for user in (certificate.application.created_by, exporter, officer):
        response = api_client_for(user).post(ask_url(certificate), QUESTION, format="json")
        assert response.status_code == 403, (user.role, response.content)
    assert not Inquiry.objects.exists()


def test_customs_of_a_third_country_cannot_ask(certificate):
    response = api_client_for(customs_of("KZ")).post(ask_url(certificate), QUESTION, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_an_unknown_certificate_is_404(customs_by):
    url = "/api/v1/certificates/UZ-2026-EX-999999/inquiries/"
    assert api_client_for(customs_by).post(url, QUESTION, format="json").status_code == 404


def test_only_officers_answer(certificate, customs_by, exporter):
    inquiry = ask(customs_by, certificate)
    for user in (customs_by, exporter, None):
        response = api_client_for(user).post(answer_url(inquiry.pk), ANSWER, format="json")
        assert response.status_code in (401, 403), response.content
    assert Inquiry.objects.get().status == "open"


def test_the_service_refuses_an_answer_from_customs(certificate, customs_by):
    inquiry = ask(customs_by, certificate)
    with pytest.raises(InquiryError) as refused:
        inquiry_answer(inquiry=inquiry, actor=customs_by, answer="Yes.", confirmed=True)
    assert (refused.value.code, refused.value.status_code) == ("not_officer", 403)


def test_an_officer_answering_an_unknown_inquiry_gets_404(officer):
    assert api_client_for(officer).post(answer_url(999999), ANSWER, format="json").status_code == 404


def test_exporters_and_anonymous_cannot_list(exporter):
    assert api_client_for(exporter).get(LIST).status_code == 403
    assert api_client_for(None).get(LIST).status_code == 401


# --- Bad input -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "question", "A question is required."),
        ({"question": ""}, "question", "A question is required."),
        ({"question": "   "}, "question", "A question is required."),
        ({"question": "x" * 2001}, "question", "At most 2000 characters."),
        ({"question": ["a"]}, "question", "Must be text."),
        (QUESTION | {"urgent": True}, "urgent", "Unknown field."),
    ],
)
def test_a_bad_question_is_400_field_by_field(certificate, customs_by, body, field, message):
    response = api_client_for(customs_by).post(ask_url(certificate), body, format="json")
    assert errors_of(response) == {field: message}
    assert not Inquiry.objects.exists()


def test_a_question_of_2000_characters_is_accepted(certificate, customs_by):
    response = api_client_for(customs_by).post(ask_url(certificate), {"question": "x" * 2000}, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"answer": "An answer is required.", "confirmed": NO_VERDICT}),
        ({"confirmed": True}, {"answer": "An answer is required."}),
        ({"answer": "", "confirmed": True}, {"answer": "An answer is required."}),
        ({"answer": "Yes.", "confirmed": "yes"}, {"confirmed": "Must be true or false."}),
        ({"answer": "Yes.", "confirmed": 1}, {"confirmed": "Must be true or false."}),
        ({"answer": "Yes.", "confirmed": "true"}, {"confirmed": "Must be true or false."}),
        ({"answer": "Yes.", "confirmed": None}, {"confirmed": "Must be true or false."}),
        ({"answer": "x" * 2001, "confirmed": False}, {"answer": "At most 2000 characters."}),
    ],
)  # fmt: skip
def test_a_bad_answer_is_400_field_by_field(certificate, customs_by, officer, body, errors):
    inquiry = ask(customs_by, certificate)
    response = api_client_for(officer).post(answer_url(inquiry.pk), body, format="json")
    assert errors_of(response) == errors
    assert Inquiry.objects.get().status == "open"


@pytest.mark.parametrize(
    ("language", "question", "confirmed"),
    [
        ("ru", "Требуется вопрос.", "Должно быть true или false."),
        ("uz", "Savol kiritilishi shart.", "true yoki false boʻlishi kerak."),
        ("en", "A question is required.", "Must be true or false."),
    ],
)
def test_bad_input_is_explained_in_russian_uzbek_and_english(
    certificate, customs_by, officer, language, question, confirmed
):
    inquiry = ask(customs_by, certificate)
    asked = api_client_for(customs_by).post(
        ask_url(certificate), {"question": ""}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    answered = api_client_for(officer).post(
        answer_url(inquiry.pk),
        {"answer": "Yes.", "confirmed": "x"},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert errors_of(asked) == {"question": question}
    assert errors_of(answered) == {"confirmed": confirmed}


# --- Admin ---------------------------------------------------------------------


def test_the_admin_lists_unanswered_first_read_only_and_officers_answer_through_the_service(
    certificate, customs_by, client
):
    answered = ask(customs_by, certificate, "answered")
    officer = UserFactory(role=User.Role.OFFICER, is_staff=True, is_superuser=True)
    inquiry_answer(inquiry=answered, actor=officer, answer="Yes.", confirmed=True)
    waiting = ask(customs_by, certificate, "waiting")
    lapsed = overdue(ask(customs_by, certificate, "lapsed"))
    inquiries_overdue_mark()
    administrator = UserFactory(role="", is_staff=True, is_superuser=True)
    changelist = "/admin/certificates/inquiry/"

    client.force_login(administrator)
    listing = client.get(changelist)
    page = client.get(f"{changelist}{waiting.pk}/change/")
    assert listing.status_code == page.status_code == 200
    rows = list(listing.context["cl"].result_list)
    assert [row.pk for row in rows] == [lapsed.pk, waiting.pk, answered.pk]
    assert b'name="_save"' not in page.content
    assert b'value="answer"' not in listing.content  # an administrator without the officer role

    client.force_login(officer)
    assert b'value="answer"' in client.get(changelist).content
    selection = {"action": "answer", "_selected_action": [waiting.pk, answered.pk]}
    form = client.post(changelist, selection)
    assert form.status_code == 200
    assert 'name="confirmed"' in form.content.decode()
    assert Inquiry.objects.get(pk=waiting.pk).status == "open"
    done = client.post(changelist, {**selection, "apply": "1", "answer": "No record.", "confirmed": "false"})

    assert done.status_code == 302
    fresh = Inquiry.objects.get(pk=waiting.pk)
    assert (fresh.status, fresh.answer, fresh.confirmed, fresh.answered_by) == (
        "answered",
        "No record.",
        False,
        officer,
    )
    assert Inquiry.objects.get(pk=answered.pk).answer == "Yes."  # the second answer was refused
    assert [action for action, _ in inquiry_events(certificate)].count("inquiry_answered") == 2
