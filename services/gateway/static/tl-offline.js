// Tangerang Live pages, progressively enhanced: the one script they load.
// 1. registers the service worker that keeps the region's pages for offline use, and offers
//    to install the region's app (a bar the person can dismiss);
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
          if (form) { queued(); } else { showWaiting(); }
        } else {
          document.open(); document.write(html); document.close();  // its errors, in the form
        }
      });
    }, function () {
      sending = false;  // still no signal: wait for the next "online"
      if (form && button && button.disabled) { queued(); } else { showWaiting(); }
    });
  }

  var form = document.querySelector("form[data-offline-queue]");
  var button = form && form.querySelector("button[type=submit]");
  var label = button && button.textContent;
  function busy(on) {
    if (!button) { return; }
    button.disabled = on;
    button.setAttribute("aria-busy", on ? "true" : "false");
    button.textContent = on ? "Mengirim\u2026" : label;
    button.style.opacity = on ? ".65" : "";  // seen as waiting, not as a button to tap again
    button.style.cursor = on ? "progress" : "";
  }
  function queued() {  // kept on the phone: a clean form for the next report
    busy(false);
    form.reset();
    form.elements.idempotency_key.value = newKey();
    showWaiting();
  }
  // A refused form: focus on the summary that names every mistake (not mid-form).
  var summary = document.querySelector(".ringkasan-galat");
  if (summary) { summary.focus(); }
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
      if (navigator.onLine) {
        // The form stays as typed, its button disabled, until the server answers (the answer
        // replaces the page: the ticket, or the form with its errors); queued, it is cleared.
        busy(true);
        sendPending();
      } else {
        queued();
      }
    });
  }

  // Install prompt: Chrome offers to install the region's app (its manifest); we show our own
  // small bar instead of the browser's, with "Nanti saja", remembered for DISMISS_DAYS.
  var DISMISSED = "tl-install-dismissed";
  var DISMISS_DAYS = 30;
  function dismissedRecently() {
    var at = Number(localStorage.getItem(DISMISSED) || 0);
    return Date.now() - at < DISMISS_DAYS * 864e5;
  }
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    // never over a form someone is filling in; the next page without one offers it
    if (dismissedRecently() || document.getElementById("pasang-aplikasi") || form) { return; }
    var bar = document.createElement("div");
    bar.id = "pasang-aplikasi";
    bar.className = "kartu";
    bar.setAttribute("role", "region");
    bar.setAttribute("aria-label", "Pasang aplikasi");
    var text = document.createElement("p");
    text.textContent = "Pasang Tangerang Live di layar utama: buka lebih cepat, tetap jalan tanpa sinyal.";
    text.style.margin = "0";
    var install = document.createElement("button");
    install.type = "button";
    install.textContent = "Pasang";
    var later = document.createElement("button");
    later.type = "button";
    later.className = "tombol-kedua";
    later.textContent = "Nanti saja";
    later.style.cssText = "margin-left:.5rem;background:#fff;color:#0b5cad;border:1px solid #0b5cad";
    install.style.marginTop = later.style.marginTop = ".5rem";
    bar.appendChild(text); bar.appendChild(install); bar.appendChild(later);
    var main = document.querySelector("main");
    main.insertBefore(bar, main.firstChild);
    install.addEventListener("click", function () {
      bar.remove();
      event.prompt();
      event.userChoice.then(function (choice) {
        if (choice.outcome !== "accepted") { localStorage.setItem(DISMISSED, String(Date.now())); }
      });
    });
    later.addEventListener("click", function () {
      localStorage.setItem(DISMISSED, String(Date.now()));
      bar.remove();
    });
  });

  window.addEventListener("online", sendPending);
  if (pending().length) {
    showWaiting();
    if (navigator.onLine) { sendPending(); }
  }
})();
