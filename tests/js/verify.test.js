// Runs certificates/public/static/verify.js on the examples that tests/js/test_node_verifier.py
// writes (certificates signed by the service, and what certsvc-verify says of each).
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const fs = require("node:fs");
const path = require("node:path");

const verifier = require(path.join(__dirname, "..", "..", "certificates", "public", "static", "verify.js"));
const examples = JSON.parse(fs.readFileSync(process.env.VERIFIER_EXAMPLES, "utf8"));

test("Node has what the phone's browser uses", () => {
  assert.strictEqual(typeof DecompressionStream, "function");
  assert.doesNotThrow(() => new DecompressionStream("deflate-raw"));
  assert.strictEqual(typeof crypto.subtle.verify, "function");
});

for (const example of examples.papers) {
  test(`paper ${example.name}: ${example.expected}`, async () => {
    const keys = await verifier.importKeys(examples.jwks[example.jwks]);
    const token = examples.bundles[example.bundle];
    const bundle = token ? await verifier.loadBundle(token, keys, example.now) : null;
    const result = await verifier.verifyPaper(example.compressed, example.number, keys, bundle, example.now);
    assert.strictEqual(result.status, example.expected);
    assert.strictEqual(result.valid, example.expected === "valid");
  });
}

for (const example of examples.bundles_refused) {
  test(`bundle ${example.name} is refused`, async () => {
    const keys = await verifier.importKeys(examples.jwks.published);
    await assert.rejects(verifier.loadBundle(example.token, keys, example.now), (error) => {
      assert.strictEqual(Boolean(error.stale), example.stale);
      return true;
    });
  });
}
