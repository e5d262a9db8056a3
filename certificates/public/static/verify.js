/* certsvc: checks a paper certificate in the browser, offline (CONTRACT §2, §4, §9).
 *
 * The QR code opens /v/{number}?k={code}#z={compressed JWS}. The fragment never reaches the
 * server: this script inflates it (DecompressionStream "deflate-raw"), verifies the Ed25519
 * signature with WebCrypto against the published keys (/.well-known/jwks.json) and applies the
 * signed status bundle (/api/v1/status/bundle), both kept by the service worker for offline use.
 * The checks run in the order of certsvc-verify: well_formed, algorithm, key_known, signature,
 * key_not_revoked, status, validity; the first that fails gives the status. A bundle past its
 * next_update is refused: the page then says the statuses are out of date, never "valid".
 * The same code runs in Node's test runner (module.exports) on examples the service signs.
 */
(function (root) {
  "use strict";

  var TYP_CERTIFICATE = "certsvc-certificate+jws";
  var TYP_STATUS = "certsvc-status+jws";
  var ALGS = ["EdDSA", "Ed25519"];
  var INFLATED_LIMIT = 256 * 1024;
  var MAX_VALIDITY_MS = 24 * 3600 * 1000;
  var B64URL = /^[A-Za-z0-9_-]*$/;
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var UNUSED_BITS = { 2: 0x0f, 3: 0x03 };

  function Refused(message) {
    this.message = message;
  }

  function b64urlDecode(text) {
    var remainder = text.length % 4;
    if (!B64URL.test(text) || remainder === 1) throw new Refused("not unpadded base64url");
    if (remainder && ALPHABET.indexOf(text[text.length - 1]) & UNUSED_BITS[remainder]) {
      throw new Refused("non-canonical base64url");
    }
    var binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "==".slice(0, (4 - remainder) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function b64urlEncode(bytes) {
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  async function inflateRaw(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    var reader = stream.getReader();
    var chunks = [];
    var size = 0;
    for (;;) {
      var step = await reader.read();
      if (step.done) break;
      size += step.value.length;
      if (size > INFLATED_LIMIT) {
        reader.cancel();
        throw new Refused("the middle segment inflates to more than " + INFLATED_LIMIT + " bytes");
      }
      chunks.push(step.value);
    }
    var out = new Uint8Array(size);
    var at = 0;
    chunks.forEach(function (chunk) {
      out.set(chunk, at);
      at += chunk.length;
    });
    return out;
  }

  async function inflateOrNull(bytes) {
    try {
      return await inflateRaw(bytes);
    } catch (error) {
      return null;
    }
  }

  function sameBytes(a, b) {
    if (a === null || a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /* The compact JWS of a compressed one (CONTRACT §9), with signing/paper.py's rules: one complete
   * raw DEFLATE stream whose last byte's padding bits are zero. */
  async function inflateCompact(compressed) {
    var parts = compressed.trim().split(".");
    if (parts.length !== 3 || !parts.every(Boolean)) throw new Refused("not three segments");
    var deflated = b64urlDecode(parts[1]);
    var payload = await inflateOrNull(deflated);
    if (payload === null) throw new Refused("the middle segment is not raw DEFLATE");
    var last = deflated[deflated.length - 1];
    for (var bit = 0; bit < 8; bit++) {
      if (!((last >> bit) & 1)) continue;
      var cleared = deflated.slice();
      cleared[cleared.length - 1] = last & ~(1 << bit);
      if (sameBytes(await inflateOrNull(cleared), payload)) throw new Refused("padding bits are not zero");
    }
    return parts[0] + "." + b64urlEncode(payload) + "." + parts[2];
  }

  var UTF8 = new TextDecoder("utf-8", { fatal: true });

  function parseCompact(token) {
    var parts = token.split(".");
    if (parts.length !== 3 || !parts.every(Boolean)) throw new Refused("not three segments");
    var text = UTF8.decode(b64urlDecode(parts[0]));
    var header = JSON.parse(text);
    if (header === null || typeof header !== "object" || Array.isArray(header)) throw new Refused("header");
    checkHeader(header, text);
    return {
      header: header,
      payload: b64urlDecode(parts[1]),
      signature: b64urlDecode(parts[2]),
      signingInput: new TextEncoder().encode(parts[0] + "." + parts[1]),
    };
  }

  function memberCount(value) {
    if (value === null || typeof value !== "object") return 0;
    var own = Array.isArray(value) ? 0 : Object.keys(value).length;
    return Object.keys(value).reduce(function (sum, name) { return sum + memberCount(value[name]); }, own);
  }

  /* signing/jws.py's rules: no repeated member, no crit, alg and kid given, kid a key id. */
  function checkHeader(header, text) {
    var names = text.match(/"(?:[^"\\]|\\.)*"\s*:/g) || [];
    if (names.length !== memberCount(header)) throw new Refused("the header repeats a member");
    if ("crit" in header) throw new Refused("critical header extensions are not supported");
    ["alg", "kid"].forEach(function (member) {
      if (typeof header[member] !== "string" || !header[member]) throw new Refused("the header has no " + member);
    });
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(header.kid)) throw new Refused("the header's kid is not a key id");
    if ("typ" in header && typeof header.typ !== "string") throw new Refused("the header's typ is not a string");
  }

  /* RFC 8785 of what a document holds: JSON.stringify's strings and numbers, members sorted by
   * UTF-16 code units (JavaScript's default sort). */
  function canonical(value) {
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    if (value !== null && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (name) {
        return JSON.stringify(name) + ":" + canonical(value[name]);
      }).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  function moment(text) {
    var time = typeof text === "string" ? Date.parse(text) : NaN;
    if (isNaN(time)) throw new Refused("not a date: " + text);
    return time;
  }

  function isoDay(text) {
    if (typeof text !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(text)) throw new Refused("not a date");
    moment(text);
    return text;
  }

  function readDocument(parsed) {
    if (parsed.header.typ !== TYP_CERTIFICATE) throw new Refused("typ");
    var text = UTF8.decode(parsed.payload);
    var document = JSON.parse(text);
    if (canonical(document) !== text) throw new Refused("not the RFC 8785 form of itself");
    if (document === null || typeof document !== "object" || typeof document.number !== "string") {
      throw new Refused("not a certificate document");
    }
    return {
      document: document,
      issuedAt: moment(document.issued_at),
      validFrom: isoDay(document.valid_from),
      validUntil: isoDay(document.valid_until),
    };
  }

  /* kid → {key, issuer, registryUntil}; keys WebCrypto cannot import are skipped (as certsvc-verify
   * skips them). registryUntil: a key of before owners also signed for the registry until then. */
  async function importKeys(jwks) {
    if (!jwks || !Array.isArray(jwks.keys)) throw new Refused("the JWKS is not {keys: [...]}");
    var keys = {};
    for (var i = 0; i < jwks.keys.length; i++) {
      var jwk = jwks.keys[i];
      if (!jwk || jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string") continue;
      var key = await crypto.subtle.importKey(
        "jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, { name: "Ed25519" }, false, ["verify"]
      );
      keys[jwk.kid] = {
        key: key,
        issuer: "issuer" in jwk ? jwk.issuer : undefined,
        registryUntil: typeof jwk.registry_until === "string" ? moment(jwk.registry_until) : null,
      };
    }
    return keys;
  }

  /* A registry key, a key of a JWKS of before owners, or a body key of before owners for what it
   * signed before its cut-over (signing/verifier/keys.py's rule). */
  function registryKeyAt(key, signedAt) {
    if (key.issuer === undefined || key.issuer === null) return true;
    return key.registryUntil !== null && signedAt < key.registryUntil;
  }

  async function signatureVerifies(parsed, key) {
    if (parsed.signature.length !== 64) return false;
    return crypto.subtle.verify({ name: "Ed25519" }, key.key, parsed.signature, parsed.signingInput);
  }

  /* One signed bundle or delta (signing/verifier/bundle.py's rules): a registry key's signature,
   * RFC 8785, at most 24 hours of validity, entries and key states, and a since only in a delta. */
  async function readSigned(token, keys, delta) {
    var parsed = parseCompact(token.trim());
    var key = keys[parsed.header.kid];
    if (parsed.header.typ !== TYP_STATUS || ALGS.indexOf(parsed.header.alg) < 0) throw new Refused("typ");
    if (!key) throw new Refused("not a registry key");
    if (!(await signatureVerifies(parsed, key))) throw new Refused("the bundle does not verify");
    var text = UTF8.decode(parsed.payload);
    var body = JSON.parse(text);
    if (body === null || typeof body !== "object" || canonical(body) !== text) throw new Refused("not RFC 8785");
    if (!registryKeyAt(key, moment(body.issued_at))) throw new Refused("not a registry key");
    if (moment(body.next_update) - moment(body.issued_at) > MAX_VALIDITY_MS) throw new Refused("valid for more than 24 hours");
    if (!Array.isArray(body.entries) || !Array.isArray(body.keys)) throw new Refused("no entries or keys");
    if (("since" in body) !== delta) throw new Refused(delta ? "not a status delta: no since" : "a status delta, not a full bundle");
    body.entries.forEach(function (entry) {
      if (!entry || ["number", "status", "since"].some(function (f) { return typeof entry[f] !== "string"; })) {
        throw new Refused("an entry is not a number, status and since");
      }
    });
    return { body: body, kid: parsed.header.kid };
  }

  function addKeyStates(compromised, body) {
    body.keys.forEach(function (state) {
      if (state && (state.status === "revoked" || state.compromised_at)) compromised[state.kid] = true;
    });
  }

  /* A full bundle, then its deltas, each verified and applied in turn; not checked for staleness.
   * Each delta's since must be the issued_at reached before it; no signer of the chain may be a
   * key that any of its key states calls revoked. */
  async function readBundleChain(tokens, keys) {
    if (!tokens.length) throw new Refused("no status bundle");
    var first = await readSigned(tokens[0], keys, false);
    var bundle = { entries: {}, compromised: {}, kids: [first.kid], deltas: 0 };
    first.body.entries.forEach(function (entry) { bundle.entries[entry.number] = entry; });
    addKeyStates(bundle.compromised, first.body);
    var last = first.body;
    for (var i = 1; i < tokens.length; i++) {
      var delta = await readSigned(tokens[i], keys, true);
      if (moment(delta.body.since) !== moment(last.issued_at)) {
        throw new Refused("the status delta is since " + delta.body.since + ", not since " + last.issued_at);
      }
      delta.body.entries.forEach(function (entry) {
        if (entry.status === "valid") delete bundle.entries[entry.number];
        else bundle.entries[entry.number] = entry;
      });
      addKeyStates(bundle.compromised, delta.body);
      bundle.kids.push(delta.kid);
      bundle.deltas += 1;
      last = delta.body;
    }
    bundle.kids.forEach(function (kid) {
      if (bundle.compromised[kid]) throw new Refused("the bundle is signed with a revoked key");
    });
    bundle.issuedAt = last.issued_at;
    bundle.nextUpdate = last.next_update;
    return bundle;
  }

  /* The bundle's entries and revoked keys from one bundle or a chain (one compact JWS a line, the
   * full bundle first); throws Refused (stale: true past the newest one's next_update). */
  async function loadBundle(text, keys, now) {
    var bundle = await readBundleChain(text.split(/\s+/).filter(Boolean), keys);
    bundle.stale = false;
    if (now > moment(bundle.nextUpdate)) {
      var stale = new Refused("the status bundle expired at " + bundle.nextUpdate);
      stale.stale = true;
      stale.issuedAt = bundle.issuedAt;
      throw stale;
    }
    return bundle;
  }

  function Checks() {
    this.items = [];
    this.status = "valid";
  }

  Checks.prototype.add = function (name, ok, failsAs) {
    this.items.push({ name: name, ok: ok });
    if (!ok && this.status === "valid") this.status = failsAs;
    return ok;
  };

  function utcDay(time) {
    return new Date(time).toISOString().slice(0, 10);
  }

  function checkStanding(certificate, bundle, now, checks) {
    var number = certificate.document.number;
    if (bundle) {
      var entry = bundle.entries[number];
      if (entry && moment(entry.since) <= now) checks.add("status", false, entry.status);
      else checks.add("status", true, "valid");
    }
    var day = utcDay(now);
    if (now < certificate.issuedAt || day < certificate.validFrom) checks.add("validity", false, "not_yet_valid");
    else if (day > certificate.validUntil) checks.add("validity", false, "expired");
    else checks.add("validity", true, "valid");
  }

  function verdict(checks, certificate) {
    return {
      valid: checks.status === "valid",
      status: checks.status,
      number: certificate ? certificate.document.number : null,
      document: certificate ? certificate.document : null,
      checks: checks.items,
    };
  }

  /* A compact certificate JWS against imported keys and a loaded bundle (or null), at ``now`` (ms). */
  async function verifyCertificate(token, keys, bundle, now) {
    var checks = new Checks();
    var parsed, certificate;
    try {
      parsed = parseCompact(token.trim());
      certificate = readDocument(parsed);
    } catch (error) {
      checks.add("well_formed", false, "malformed");
      return verdict(checks, null);
    }
    checks.add("well_formed", true, "malformed");
    if (!checks.add("algorithm", ALGS.indexOf(parsed.header.alg) >= 0, "bad_signature")) {
      return verdict(checks, certificate);
    }
    var key = keys[parsed.header.kid];
    var issuer = certificate.document.issuer || {};
    if (key && key.issuer !== undefined && (!key.issuer || key.issuer.country !== issuer.country)) key = null;
    if (!checks.add("key_known", Boolean(key), "unknown_key")) return verdict(checks, certificate);
    if (!checks.add("signature", await signatureVerifies(parsed, key), "bad_signature")) {
      return verdict(checks, certificate);
    }
    if (bundle && bundle.compromised[parsed.header.kid]) checks.add("key_not_revoked", false, "key_revoked");
    checkStanding(certificate, bundle, now, checks);
    return verdict(checks, certificate);
  }

  /* The QR code's fragment for certificate ``number``: a paper that does not yield it is malformed. */
  async function verifyPaper(compressed, number, keys, bundle, now) {
    var token;
    try {
      token = await inflateCompact(compressed);
    } catch (error) {
      var checks = new Checks();
      checks.add("well_formed", false, "malformed");
      return verdict(checks, null);
    }
    var result = await verifyCertificate(token, keys, bundle, now);
    if (result.number !== null && result.number !== number) {
      result.status = "malformed";
      result.valid = false;
    }
    return result;
  }

  var api = {
    Refused: Refused,
    b64urlDecode: b64urlDecode,
    inflateCompact: inflateCompact,
    importKeys: importKeys,
    loadBundle: loadBundle,
    readBundleChain: readBundleChain,
    verifyCertificate: verifyCertificate,
    verifyPaper: verifyPaper,
  };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  root.certsvcVerify = api;
})(typeof globalThis !== "undefined" ? globalThis : this);

/* The page: /v/{number} (the server's answer, replaced by this phone's) or the offline shell. */
(function () {
  "use strict";
  if (typeof document === "undefined") return;
  var island = document.getElementById("verifier-texts");
  if (!island) return;
  var data = JSON.parse(island.textContent);
  var COLOURS = { valid: "green", superseded: "amber", expired: "amber", not_yet_valid: "amber", exhausted: "amber" };
  var OWN_WORD = ["valid", "revoked", "superseded", "expired", "not_yet_valid", "exhausted"];

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(data.worker, { scope: data.scope }).catch(function () {});
  }

  function language() {
    var chosen = new URLSearchParams(location.search).get("lang");
    if (data.texts[chosen]) return chosen;
    if (!data.shell) return document.documentElement.lang;
    var browser = (navigator.language || "en").split("-")[0];
    return data.texts[browser] ? browser : "en";
  }

  var lang = language();
  var t = data.texts[lang];
  document.documentElement.lang = lang;
  if (data.shell || data.scan) localizeShell();
  languageLinks();

  function show(word, colour, message) {
    var status = document.getElementById("status");
    status.textContent = word;
    status.className = "status " + colour;
    var line = document.getElementById("checked-by");
    line.textContent = message;
    line.hidden = false;
  }

  function at(text) {
    return new Date(text).toISOString().slice(0, 16).replace("T", " ") + " UTC";
  }

  /* The shell is cached in one language: its title follows the page's. */
  function localizeShell() {
    document.querySelector("h1").textContent = t.title;
    document.title = t.title;
  }

  /* The language links keep the query and the fragment, so the other language checks the same code. */
  function languageLinks() {
    document.querySelectorAll("nav a").forEach(function (link) {
      var code = link.textContent.toLowerCase();
      var target = new URL(location.href);
      target.searchParams.set("lang", code);
      link.href = target.href;
      link.className = code === lang ? "current" : "";
    });
  }

  async function material() {
    var answers = await Promise.all([fetch(data.jwks), fetch(data.bundle)]);
    if (!answers[0].ok || !answers[1].ok) throw new Error("no keys or statuses");
    var cached = answers.some(function (answer) { return answer.headers.get("X-Verifier-Cache") === "offline"; });
    return { jwks: await answers[0].json(), bundle: await answers[1].text(), offline: cached || !navigator.onLine };
  }

  function describe(result) {
    var dl = document.getElementById("offline-summary");
    if (!dl || !result.document) return;
    var doc = result.document;
    var rows = [[t.number, doc.number], [t.issuer, (doc.issuer || {}).name], [t.valid_from, doc.valid_from],
      [t.valid_until, doc.valid_until], [t.exporter, (doc.exporter || {}).name], [t.consignee, (doc.consignee || {}).name]];
    rows.forEach(function (row) {
      if (!row[1]) return;
      var dt = document.createElement("dt");
      dt.textContent = row[0];
      var dd = document.createElement("dd");
      dd.textContent = row[1];
      dl.append(dt, dd);
    });
    dl.hidden = false;
  }

  async function run() {
    if (data.scan) return; // scan.js reads the camera
    if (!location.hash.startsWith("#z=")) {
      if (data.shell) show(t.invalid, "red", t.no_certificate);
      return;
    }
    var api = globalThis.certsvcVerify;
    if (typeof DecompressionStream === "undefined" || !globalThis.crypto || !crypto.subtle) {
      // A browser that cannot check here: the server's answer stays (the shell has none).
      if (data.shell) show(t.invalid, "amber", t.no_keys);
      document.body.dataset.verdict = "unchecked";
      return;
    }
    var number = decodeURIComponent(location.pathname.split("/").pop());
    var got, keys;
    try {
      got = await material();
      keys = await api.importKeys(got.jwks);
    } catch (error) {
      // No keys here, or a browser without Ed25519: the server's answer stays (the shell has none).
      if (data.shell) show(t.invalid, "amber", t.no_keys);
      document.body.dataset.verdict = "unchecked";
      return;
    }
    var bundle = null, stale = null, now = Date.now();
    try {
      bundle = await api.loadBundle(got.bundle, keys, now);
    } catch (error) {
      stale = error;
    }
    var result = await api.verifyPaper(location.hash.slice(3), number, keys, bundle, now);
    var word = OWN_WORD.indexOf(result.status) >= 0 ? t[result.status] : t.invalid;
    var colour = COLOURS[result.status] || "red";
    if (stale && (result.status === "valid" || result.status === "expired" || result.status === "not_yet_valid")) {
      show(t.stale, "amber", stale.stale ? t.stale_text.replace("%(time)s", at(stale.issuedAt)) : t.no_statuses);
    } else {
      var how = got.offline ? t.checked_offline.replace("%(time)s", at(bundle ? bundle.issuedAt : now)) : t.checked_online;
      show(word, colour, how);
    }
    document.body.dataset.verdict = stale && result.valid ? "stale" : result.status;
    describe(result);
  }

  run();
})();
