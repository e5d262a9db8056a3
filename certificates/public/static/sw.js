/* certsvc: the verifier's service worker (scope /v/). It keeps the page shell, the script, the
 * published keys and the latest signed status bundle, refreshed from the network whenever it
 * answers; offline, certificate pages open the shell, which checks the QR code's fragment here. */
"use strict";
var CACHE = "certsvc-verifier-v1";
var SHELL = "/v/app";
var KEPT = [SHELL, "/v/scan", "/v/verify.js", "/v/scan.js", "/v/vendor/jsqr/jsQR.js", "/v/manifest.webmanifest", "/.well-known/jwks.json", "/api/v1/status/bundle"];

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

self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (url.origin !== self.location.origin || event.request.method !== "GET") return;
  if (KEPT.indexOf(url.pathname) >= 0 && url.search === "") {
    event.respondWith(fresh(url.pathname));
  } else if (event.request.mode === "navigate" && url.pathname.startsWith("/v/")) {
    event.respondWith(fetch(event.request).catch(function () { return kept(SHELL); }));
  }
});
