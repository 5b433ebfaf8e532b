// Tangerang Live pages, progressively enhanced: the one script they load.
// 1. registers the service worker that keeps the region's pages for offline use;
// 2. a lapor form sent without signal is kept on the phone (localStorage) and sent
//    when the signal returns, with its Idempotency key, so a retry never makes two tickets.
//    Photos cannot go into localStorage: they stay in this page's memory and are sent
//    with the report only if the page stays open until the signal returns (the page says so).
// Without this script every page and the form work as plain HTML.
(function () {
  "use strict";
  var PENDING = "tl-pending-reports";
  var WAITING = "Menunggu sinyal, laporan akan dikirim otomatis.";
  var region = document.currentScript && document.currentScript.dataset.region;
  var PHOTOS_AT_RISK = " Foto hanya ikut terkirim jika halaman ini tetap terbuka sampai sinyal kembali.";
  var sending = false;
  var withPhotos = {};  // key -> the report's FormData (files included), while this page lives

  if ("serviceWorker" in navigator && region) {
    navigator.serviceWorker.register("/sw.js?r=" + encodeURIComponent(region)).catch(function () {});
  }

  function pending() {
    try { return JSON.parse(localStorage.getItem(PENDING) || "[]"); } catch (e) { return []; }
  }
  function keep(list) { localStorage.setItem(PENDING, JSON.stringify(list)); }
  function forget(key) { keep(pending().filter(function (r) { return r.key !== key; })); }

  function showWaiting() {
    var note = document.getElementById("menunggu-sinyal");
    if (!note) {
      note = document.createElement("p");
      note.id = "menunggu-sinyal";
      note.className = "tidak-tersedia";
      note.setAttribute("role", "status");
      var main = document.querySelector("main");
      main.insertBefore(note, main.firstChild);
    }
    var list = pending();
    var count = list.length;
    var photos = list.some(function (r) { return r.photos; });
    note.textContent = WAITING + (count > 1 ? " (" + count + " laporan)" : "") + (photos ? PHOTOS_AT_RISK : "");
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return String(Date.now()) + "-" + Math.random().toString(36).slice(2);
  }

  // Send every kept report; stop at the first that cannot get through.
  function sendPending() {
    var list = pending();
    if (sending || !list.length) { return; }
    sending = true;
    var report = list[0];
    var multipart = withPhotos[report.key];  // the browser sets its multipart Content-Type
    fetch(report.action, {
      method: "POST", body: multipart || report.body, credentials: "same-origin",
      headers: multipart ? { "Idempotency-Key": report.key }
                         : { "Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": report.key }
    }).then(function (response) {
      return response.text().then(function (html) {
        sending = false;
        forget(report.key);
        delete withPhotos[report.key];
        if (response.redirected && response.url.indexOf("/lacak/") !== -1) {
          if (pending().length) { sendPending(); return; }
          // Show the ticket page this answer brought: it holds the tracking secret, shown
          // once (its cookie is spent, so loading the page again would not show it).
          history.replaceState(null, "", response.url);
          document.open(); document.write(html); document.close();
        } else if (response.status === 429 || response.status >= 500) {
          keep([report].concat(pending()));  // the server will take it later
          showWaiting();
        } else {
          document.open(); document.write(html); document.close();  // its errors, in the form
        }
      });
    }, function () {
      sending = false;  // still no signal: wait for the next "online"
      showWaiting();
    });
  }

  var form = document.querySelector("form[data-offline-queue]");
  if (form) {
    // The kept copy of this page is reused for every offline report: each gets its own key.
    form.elements.idempotency_key.value = newKey();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      var key = form.elements.idempotency_key.value;
      var text = new URLSearchParams();
      var photos = false;
      data.forEach(function (value, name) {
        if (typeof value === "string") { text.append(name, value); } else if (value.size) { photos = true; }
      });
      if (photos) { withPhotos[key] = data; }
      keep(pending().concat([{ key: key, action: form.action, body: text.toString(), photos: photos,
                               at: new Date().toISOString() }]));
      form.reset();
      form.elements.idempotency_key.value = newKey();
      if (navigator.onLine) { sendPending(); } else { showWaiting(); }
    });
  }

  window.addEventListener("online", sendPending);
  if (pending().length) {
    showWaiting();
    if (navigator.onLine) { sendPending(); }
  }
})();
