"""Tiny runs of every benchmark script, so that they keep working (a few seconds each)."""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command

from bench import generate
from certificates.issuance.models import Certificate, NumberSequence
from signing.transparency.models import LogHead, LogLeaf
from tests.services import database_url_for_subprocess, publishing_to, require_redis


@pytest.fixture
def bench_env(monkeypatch):
    """The scripts' subprocesses use this test's database and its key-encryption key."""
    monkeypatch.setenv("DATABASE_URL", database_url_for_subprocess())
    monkeypatch.setenv("SIGNING_KEK", settings.SIGNING_KEK)
    monkeypatch.setenv("SIGNING_KEK_ID", settings.SIGNING_KEK_ID)


@pytest.mark.postgres
def test_generator_writes_consistent_certificates_audit_chains_and_log(postgres, capsys):
    generate.main(["--count", "120", "--batch", "50", "--workers", "2", "--reset", "--quiet"])
    assert Certificate.objects.count() == LogLeaf.objects.count() == 120
    assert LogHead.objects.get().tree_size == 120
    assert Certificate.objects.filter(status="revoked").exists()
    assert Certificate.objects.filter(status="superseded", superseded_by__isnull=False).exists()
    sequences = dict(NumberSequence.objects.values_list("type", "last"))
    assert sequences == {"export": 96, "import": 24}
    call_command("verify_audit")
    call_command("verify_log")
    assert "audit OK" in capsys.readouterr().out


def test_generator_writes_consistent_rows_on_any_database(transactional_db, capsys):
    generate.main(["--count", "60", "--batch", "50", "--reset", "--quiet"])
    assert Certificate.objects.count() == LogLeaf.objects.count() == LogHead.objects.get().tree_size == 60
    assert dict(NumberSequence.objects.values_list("type", "last")) == {"export": 48, "import": 12}
    replacement = Certificate.objects.get(replaces__isnull=False)
    assert replacement.replaces.superseded_by == replacement
    assert replacement.document["replaces"] == replacement.replaces.number
    call_command("verify_audit")
    call_command("verify_log")
    assert "audit OK" in capsys.readouterr().out


def test_offline_benchmark_reports_both_rates_and_their_ratio():
    from bench import offline_verify

    result = offline_verify.main(["--tokens", "40", "--rounds", "1"])
    assert result["raw_per_s"] > 0
    assert result["verifier_per_s"] > 0
    assert 0 < result["ratio"] < 2


def test_pdf_benchmark_reports_both_rates_and_restores_the_kept_fonts():
    from bench import pdf_render
    from certificates.issuance.pdf import fonts, page

    result = pdf_render.main(["--pdfs", "2", "--rounds", "1", "--items", "2"])
    assert result["before_per_s"] > 0
    assert result["after_per_s"] > 0
    assert page.fonts_install is fonts.fonts_install


@pytest.mark.postgres
def test_verify_load_benchmark_serves_and_measures_every_endpoint(postgres, bench_env):
    from bench import verify_load

    generate.main(["--count", "60", "--batch", "50", "--workers", "1", "--reset", "--quiet"])
    client = "auto" if shutil.which("wrk") else "python"
    result = verify_load.main(
        ["--duration", "1", "--warmup", "0", "--rounds", "1", "--numbers", "30", "--port", "18799",
         "--cache-url", "locmemcache://smoke", "--client", client]
    )  # fmt: skip
    for kind in ("static", "one_row", "verify"):
        assert result["endpoints"][kind]["rps"] > 0
        assert result["endpoints"][kind]["non_2xx"] == 0


@pytest.mark.postgres
@pytest.mark.redis
def test_freshness_benchmark_sees_each_revocation_on_every_process(postgres, bench_env):
    from bench import verify_freshness

    require_redis()
    assert settings.CACHE_URL.startswith("redis://"), "the servers and this process share the epochs in Redis"
    generate.main(["--count", "40", "--batch", "50", "--workers", "1", "--reset", "--quiet"])
    result = verify_freshness.main(
        ["--revocations", "2", "--servers", "2", "--port", "18830", "--cache-url", settings.CACHE_URL]
    )
    assert result["revocations"] == 2
    assert 0 <= result["worst_s"] < 10
    assert Certificate.objects.filter(status="revoked", revocation_reason="freshness").count() == 2


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
def test_issuance_benchmark_issues_every_approved_application(postgres, bench_env):
    from bench import issuance

    broker = require_redis()
    result = issuance.main(["--count", "4", "--in-place", "--broker", broker, "--timeout", "60"])
    assert Certificate.objects.count() == 4
    assert result["per_second"] > 0
    assert os.environ["DATABASE_URL"].endswith(settings.DATABASES["default"]["NAME"])


def _issuance_with_pdfs(mode: str) -> dict:
    from bench import issuance

    return issuance.main(
        ["--count", "3", "--in-place", "--broker", require_redis(), "--timeout", "60",
         "--pdf", mode, "--pdf-nice", "0"]
    )  # fmt: skip


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
def test_issuance_benchmark_with_the_pdf_worker_renders_beside_the_signing_worker(postgres, bench_env):
    result = _issuance_with_pdfs("on")
    assert result["checked"] == 3
    assert result["pdf"] == "on"


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
def test_issuance_benchmark_drains_the_pdf_backlog_with_the_pdf_worker_alone(postgres, bench_env):
    result = _issuance_with_pdfs("drain")
    assert result["checked"] == 3
    assert result["pdfs_rendered"] == 3
    assert result["pdfs_per_second"] > 0


@pytest.mark.postgres
def test_issuance_statement_count_benchmark_counts_both_ways_and_checks_the_result(postgres):
    from bench import issuance_queries

    with publishing_to("memory://"):
        result = issuance_queries.main(["--count", "4", "--batch", "2", "--in-place"])
    assert result["per_order"] > result["batched"] > 0
    assert Certificate.objects.count() == 4


@pytest.mark.postgres
def test_declarations_benchmark_records_and_verifies_at_each_level(postgres):
    from bench import declarations
    from certificates.customs.models import Declaration

    results = declarations.main(["--levels", "0,5", "--recordings", "2", "--verifies", "3", "--in-place"])
    assert [result["level"] for result in results] == [0, 5]
    assert all(result["queries_min"] > 0 and result["check_ms"] > 0 for result in results)
    # Target: 2 measured at level 0, filled up to 5, 2 measured at 5. Warm-up certificate: 2 warm-up
    # recordings, then one beside each measured one.
    assert Declaration.objects.count() == (2 + 3 + 2) + (2 + 2 + 2)


@pytest.mark.postgres
def test_status_bundle_benchmark_reports_sizes_and_a_delta_of_the_changes(postgres):
    from bench import status_bundle

    generate.main(["--count", "100", "--batch", "50", "--workers", "1", "--reset", "--quiet"])
    result = status_bundle.main(["--changes", "5", "--quiet"])
    assert result["certificates"] == 100
    assert result["entries"] == Certificate.objects.filter(status__in=["revoked", "superseded"]).count()
    assert 0 < result["full_gzip_bytes"] < result["full_jws_bytes"]
    assert result["changes"] == 5
    assert result["delta_jws_bytes"] > 0 < result["delta_gzip_bytes"]


@pytest.mark.postgres
def test_goods_import_benchmark_imports_every_line_from_both_formats(postgres):
    from bench import goods_import

    result = goods_import.main(["--lines", "12", "--rounds", "1", "--in-place"])
    assert result["lines"] == 12
    assert result["median_s"]["xlsx"] > 0
    assert result["median_s"]["csv"] > 0
    assert result["ratio_to_reference"]["csv"] > 0
