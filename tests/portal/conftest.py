from tests.issuance import conftest as issuance_fixtures

_fresh_cache = issuance_fixtures._fresh_cache
signing_key = issuance_fixtures.signing_key
issuer = issuance_fixtures.issuer
officer = issuance_fixtures.officer
exporter = issuance_fixtures.exporter
make_submitted = issuance_fixtures.make_submitted
