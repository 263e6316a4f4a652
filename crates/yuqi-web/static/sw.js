// yuqi: the service worker. It keeps what the person has opened so that it opens again without
// a connection. Browsers run it only on HTTPS or on the computer itself (127.0.0.1): over the
// plain-HTTP home network a phone never runs it.
//
// Kept: the stylesheet, the script, the icon, and each page (HTML) as it was last shown.
// Never kept: anything but GET (form posts, uploads), the API (/api/), downloads (letters,
// reports), the pairing and phone pages, redirects and errors. Online, the network always
// answers first; the copy is used only when the computer cannot be reached.
"use strict";

var CACHE = "yuqi-__VERSION__";
var ASSETS = ["/static/app.css", "/static/app.js", "/icon.svg"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(ASSETS); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function kept(path) {
  if (ASSETS.indexOf(path) >= 0) return true;
  if (/^\/(api|pair|phone|login|logout|sw\.js)(\/|$)/.test(path)) return false;
  if (/\/letters\/[^\/]+$/.test(path) || /\/report$/.test(path)) return false;
  return true;
}

function offline() {
  var page = '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>连不上电脑</title></head>' +
    '<body><h1>现在连不上</h1>' +
    '<p>这一页以前没有打开过，所以没有保存。请确认电脑上的逾期助手还开着，手机和电脑连着同一个无线网，然后再试。</p>' +
    '<p><a href="/">回到我的案件</a></p></body></html>';
  return new Response(page, {
    status: 503,
    headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": "default-src 'none'" }
  });
}

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin || !kept(url.pathname)) return;
  event.respondWith(fetch(req).then(function (res) {
    var type = res.headers.get("content-type") || "";
    var page = type.indexOf("text/html") === 0;
    if (res.ok && !res.redirected && res.type === "basic" && (page || ASSETS.indexOf(url.pathname) >= 0)) {
      var copy = res.clone();
      event.waitUntil(caches.open(CACHE).then(function (c) { return c.put(req, copy); }));
    }
    return res;
  }).catch(function () {
    return caches.match(req).then(function (hit) {
      return hit || (req.mode === "navigate" ? offline() : Response.error());
    });
  }));
});
