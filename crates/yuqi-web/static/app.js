// yuqi: the only page script. Live validation of form fields and the case file, upload
// progress, and registering the service worker (sw.js) that keeps opened pages for offline use.
// Served from our own origin (the Content-Security-Policy allows nothing else).
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  function hintFor(el) {
    return document.querySelector('[data-hint-for="' + el.name + '"]');
  }

  function check(el) {
    var hint = hintFor(el);
    if (!hint) return;
    fetch("/api/v1/validate", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ kind: el.getAttribute("data-validate"), value: el.value })
    }).then(function (r) { return r.json(); }).then(function (j) {
      hint.textContent = j.message || "";
      hint.classList.toggle("good", !!j.ok);
      el.setAttribute("aria-invalid", j.ok ? "false" : "true");
    }).catch(function () {});
  }

  document.querySelectorAll("[data-validate]").forEach(function (el) {
    var timer = null;
    el.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { check(el); }, 350);
    });
    el.addEventListener("change", function () { check(el); });
  });

  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var bar = form.querySelector("progress");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable && bar) { bar.hidden = false; bar.value = Math.round(e.loaded * 100 / e.total); }
      });
      // Sent: the server now reads each file (a screenshot's text takes a second or two each).
      xhr.upload.addEventListener("load", function () {
        var busy = form.querySelector("[data-busy]");
        if (busy) { busy.hidden = false; }
      });
      // The server answers with the evidence page itself, carrying its message (what was
      // imported, or why nothing was): show that page, never drop its answer.
      xhr.addEventListener("load", function () {
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        if (doc.body && doc.body.textContent.trim()) {
          document.title = doc.title;
          document.body.replaceWith(document.adoptNode(doc.body));
        } else {
          window.location.href = form.action;
        }
      });
      xhr.addEventListener("error", function () {
        if (bar) { bar.hidden = true; }
        window.alert("上传没有完成：连接中断。请检查网络后再试一次。");
      });
      xhr.send(new FormData(form));
    });
  });

  // Browsers offer service workers only on HTTPS or on the computer itself; elsewhere (a phone
  // on the home network's plain HTTP) this is skipped and the pages simply need the computer.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () {});
  }
})();
