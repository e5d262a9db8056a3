"""Harvesting the registry by number (CONTRACT §9): 1,000 anonymous lookups of issued certificates'
numbers, by the verify API and the public page, in every form a harvester may try, never name a
party or the goods; the access code does. Real PostgreSQL and Redis (the shared cache is on).
"""

from __future__ import annotations

import itertools
import json
import time

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from certificates.applications.models import GoodsItem
from tests.applications.factories import ApplicationFactory, OrganizationFactory
from tests.issuance.helpers import issue
from tests.services import require_postgres
from tests.verification.helpers import VERIFY_URL

pytestmark = pytest.mark.django_db

LOOKUPS = 1000
# Names and goods no other part of an answer could hold by chance.
PARTIES = [
    ("Samarkand Silk Weavers LLC", "Brest Textile Import JSC"),
    ("Fergana Apricot Growers LLC", "Gomel Fruit Wholesale JSC"),
    ("Namangan Copper Works LLC", "Vitebsk Cable Plant JSC"),
    ("Khorezm Melon Farmers LLC", "Mogilev Food Market JSC"),
]
GOODS = [
    [("500720", "Woven silk fabric, ikat pattern")],
    [("081310", "Dried apricots, sun-dried, Fergana valley")],
    [("740311", "Refined copper cathodes, grade M00k"), ("854449", "Copper power cable, 3x95 mm2")],
    [("080719", "Fresh melons, Khorezm variety Gulyabi")],
]


@pytest.fixture
def issued(signing_key, officer):
    """Four issued certificates of four exporters, with goods of their own."""
    certificates = []
    for (exporter_name, consignee_name), goods in zip(PARTIES, GOODS, strict=True):
        application = ApplicationFactory(
            exporter=OrganizationFactory(name=exporter_name),
            consignee_name=consignee_name,
            status="submitted",
            items=len(goods),
        )
        for item, (hs_code, description) in zip(application.items.order_by("line"), goods, strict=True):
            GoodsItem.objects.filter(pk=item.pk).update(hs_code=hs_code, description=description)
        certificates.append(issue(application, officer))
    return certificates


def secrets_of(certificate) -> list[str]:
    document = certificate.document
    items = document["items"]
    return [
        document["exporter"]["name"],
        document["consignee"]["name"],
        *(item["description"] for item in items),
        *(item["hs_code"] for item in items),
    ]


def generous_rates():
    # Raised, not switched off: every lookup is still counted, as a harvester's would be.
    rates = {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "verify_anon": "5000/min",
        "public_page": "5000/min",
    }
    return override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates})


def verify_forms(number: str, wrong_code: str) -> list[dict]:
    """The verify bodies a harvester may send without the code (fast path and serializer path)."""
    at = timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    return [
        {"number": number},
        {"number": f"  {number} "},
        {"number": number, "nonce": "harvest"},
        {"number": number, "at": at},
        {"number": number, "access_code": ""},
        {"number": number, "access_code": wrong_code},
        {"number": number, "access_code": number},
    ]


def page_queries(number: str, wrong_code: str) -> list[str]:
    return ["", "?lang=ru", "?lang=uz", "?k=", f"?k={wrong_code}", f"?k={number}", "?k=&lang=en"]


def test_a_thousand_lookups_without_the_code_reveal_no_party_and_no_goods(client, anon_client, issued):
    require_postgres()
    wrong_codes = {c.number: c.access_code[:-1] + ("A" if c.access_code[-1] != "A" else "B") for c in issued}
    verifies = [("verify", c, body) for c in issued for body in verify_forms(c.number, wrong_codes[c.number])]
    pages = [("page", c, query) for c in issued for query in page_queries(c.number, wrong_codes[c.number])]
    # One of each in turn: half the lookups by the API, half by the page.
    requests = itertools.cycle([request for pair in zip(verifies, pages, strict=True) for request in pair])
    every_secret = [secret for certificate in issued for secret in secrets_of(certificate)]
    statuses: dict[str, int] = {}
    leaks = 0
    unlocked = 0
    started = time.perf_counter()
    with generous_rates():
        for done, (kind, certificate, sent) in enumerate(itertools.islice(requests, LOOKUPS)):
            if kind == "verify":
                response = anon_client.post(VERIFY_URL, sent, format="json", REMOTE_ADDR="198.51.100.77")
            else:
                response = client.get(f"/v/{certificate.number}{sent}", REMOTE_ADDR="198.51.100.77")
            statuses[f"{kind} {response.status_code}"] = statuses.get(f"{kind} {response.status_code}", 0) + 1
            body = response.content.decode()
            leaks += sum(secret in body for secret in every_secret)
            if kind == "verify":
                assert set(response.json()["certificate"]) == {
                    "number",
                    "type",
                    "issued_at",
                    "valid_from",
                    "valid_until",
                    "issuer",
                }
            if done % 50 == 0:
                # Now and then the certificate's own code: long, and never remembered for the next caller.
                unlocked += _unlocked_answers_name_the_parties(client, anon_client, certificate)
    elapsed = time.perf_counter() - started
    print(f"\n{LOOKUPS} lookups without the code in {elapsed:.1f} s: {statuses}; leaks {leaks}")
    print(f"{unlocked} lookups with the code, interleaved, each naming its certificate's parties and goods")
    assert leaks == 0
    assert statuses == {"verify 200": LOOKUPS // 2, "page 200": LOOKUPS // 2}
    assert unlocked == 2 * (LOOKUPS // 50)


def _unlocked_answers_name_the_parties(client, anon_client, certificate) -> int:
    typed = certificate.access_code.lower()
    answer = anon_client.post(VERIFY_URL, {"number": certificate.number, "access_code": typed}, format="json")
    shown = client.get(f"/v/{certificate.number}?k={typed[:8]}-{typed[8:]}")
    text = json.dumps(answer.json()["certificate"], ensure_ascii=False)
    assert all(secret in text for secret in secrets_of(certificate))
    assert all(secret in shown.content.decode() for secret in secrets_of(certificate))
    return 2
