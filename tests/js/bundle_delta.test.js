// Runs the bundle chain of certificates/public/static/verify.js on the chains that
// tests/js/test_node_bundle_delta.py writes (a full bundle and the signed deltas since it, and
// what certsvc-verify reads from each: its entries and revoked keys, or a refusal).
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const fs = require("node:fs");
const path = require("node:path");

const verifier = require(path.join(__dirname, "..", "..", "certificates", "public", "static", "verify.js"));
const examples = JSON.parse(fs.readFileSync(process.env.VERIFIER_CHAINS, "utf8"));

for (const example of examples.cases) {
  test(`chain ${example.name}: ${example.expected ? "applied" : "refused"}`, async () => {
    const keys = await verifier.importKeys(examples.jwks);
    const loading = verifier.loadBundle(example.chain.join("\n"), keys, examples.now);
    if (example.expected === null) {
      await assert.rejects(loading, (error) => error instanceof verifier.Refused && !error.stale);
      return;
    }
    const bundle = await loading;
    assert.deepStrictEqual(bundle.entries, example.expected.entries);
    assert.deepStrictEqual(Object.keys(bundle.compromised).sort(), example.expected.compromised);
    assert.strictEqual(bundle.issuedAt, example.expected.issued_at);
  });
}
