/* certsvc: the verifier's service worker (scope /v/). It keeps the page shell, the script, the
 * published keys and the latest signed status bundle, refreshed from the network whenever it
 * answers; offline, certificate pages open the shell, which checks the QR code's fragment here.
 * The statuses are kept as a chain: the full bundle and the signed deltas (?since=) applied to
 * it, a JSON list of compact JWSs cached under CHAIN; the page gets them one a line. */
"use strict";
importScripts("/v/verify.js");
var CACHE = "certsvc-verifier-v1";
var SHELL = "/v/app";
var KEPT = [SHELL, "/v/scan", "/v/verify.js", "/v/scan.js", "/v/vendor/jsqr/jsQR.js", "/v/manifest.webmanifest", "/.well-known/jwks.json", "/api/v1/status/bundle"];

var BUNDLE = "/api/v1/status/bundle";
var CHAIN = "/v/status-chain.json";
var MAX_DELTAS = 168;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(KEPT.map(function (path) {
    return new Request(path, { cache: "no-cache" });
  })); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; }).map(function (name) {
      return caches.delete(name);
    }));
  }).then(function () { return self.clients.claim(); }));
});

/* The cached answer, marked so the page can say it checked offline. */
async function kept(path) {
  var cached = await caches.match(path);
  if (!cached) return Response.error();
  var headers = new Headers(cached.headers);
  headers.set("X-Verifier-Cache", "offline");
  return new Response(await cached.blob(), { status: cached.status, headers: headers });
}

/* Online, always the service's latest (revalidated past the HTTP cache): statuses change. */
async function fresh(path) {
  try {
    var answer = await fetch(path, { cache: "no-cache" });
    if (answer.ok) {
      var cache = await caches.open(CACHE);
      await cache.put(path, answer.clone());
    }
    return answer;
  } catch (error) {
    return kept(path);
  }
}

/* The chain held here: the cached list, else the bundle the install cached; null if none. */
async function heldChain() {
  var cached = await caches.match(CHAIN);
  if (cached) return cached.json();
  var full = await caches.match(BUNDLE);
  return full ? [(await full.text()).trim()] : null;
}

async function keepChain(tokens) {
  var cache = await caches.open(CACHE);
  await cache.put(CHAIN, new Response(JSON.stringify(tokens), { headers: { "Content-Type": "application/json" } }));
  return tokens;
}

/* The held chain and the delta since its newest issued_at, if both verify; else null (fetch all). */
async function extended(chain) {
  var api = self.certsvcVerify;
  var keys = await api.importKeys(await (await fresh("/.well-known/jwks.json")).json());
  var held = await api.readBundleChain(chain, keys);
  var answer = await fetch(BUNDLE + "?since=" + encodeURIComponent(held.issuedAt), { cache: "no-cache" });
  if (!answer.ok) return null; // 409 delta_unavailable, or any other refusal
  var longer = chain.concat([(await answer.text()).trim()]);
  await api.readBundleChain(longer, keys);
  return longer;
}

async function refreshed() {
  var chain = await heldChain();
  var longer = null;
  if (chain && chain.length <= MAX_DELTAS) longer = await extended(chain).catch(function () { return null; });
  if (longer) return keepChain(longer);
  var answer = await fetch(BUNDLE, { cache: "no-cache" });
  if (!answer.ok) throw new Error("no status bundle");
  return keepChain([(await answer.text()).trim()]);
}

/* Online, the chain extended by a delta (or a new full bundle); offline, the chain kept. */
async function statuses() {
  var offline = false;
  var tokens = await refreshed().catch(function () {
    offline = true;
    return heldChain();
  });
  if (!tokens) return Response.error();
  var headers = { "Content-Type": "text/plain; charset=utf-8" };
  if (offline) headers["X-Verifier-Cache"] = "offline";
  return new Response(tokens.join("\n"), { headers: headers });
}

self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (url.origin !== self.location.origin || event.request.method !== "GET") return;
  if (url.pathname === BUNDLE && url.search === "") {
    event.respondWith(statuses());
  } else if (KEPT.indexOf(url.pathname) >= 0 && url.search === "") {
    event.respondWith(fresh(url.pathname));
  } else if (event.request.mode === "navigate" && url.pathname.startsWith("/v/")) {
    event.respondWith(fetch(event.request).catch(function () { return kept(SHELL); }));
  }
});
