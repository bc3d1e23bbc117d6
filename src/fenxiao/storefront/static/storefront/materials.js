/* 素材库: one-tap copy (Clipboard API, else select the text and execCommand; if even that fails
   the text stays selected for a long-press copy), then the button's htmx POST counts the copy.
   Pictures open full size in a dialog, where WeChat's long-press offers 保存图片. */
(function () {
  "use strict";

  function toast(message, level) {
    var area = document.getElementById("toast");
    if (!area) { return; }
    var el = document.createElement("div");
    el.className = "toast toast-" + (level || "success");
    el.setAttribute("role", "status");
    el.textContent = message;
    area.appendChild(el);
    setTimeout(function () { el.remove(); }, 4000);
  }

  function select(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  function legacyCopy(el) {
    select(el);
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }

  function copied(btn) {
    toast("已复制");
    if (window.htmx) { window.htmx.trigger(btn, "material-copied"); }
  }

  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-copy]");
    if (btn) {
      var source = document.getElementById(btn.getAttribute("data-copy"));
      if (!source) { return; }
      var text = source.textContent;
      var fallback = function () {
        if (legacyCopy(source)) { copied(btn); } else { toast("已选中文字，请长按手动复制", "info"); }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { copied(btn); }, fallback);
      } else {
        fallback();
      }
      return;
    }
    var pic = ev.target.closest("[data-full-image]");
    if (pic) {
      var dlg = document.getElementById("mat-viewer");
      if (!dlg || !dlg.showModal) { return; }  // no dialog support: the link opens the picture
      ev.preventDefault();
      dlg.querySelector("img").src = pic.getAttribute("href");
      dlg.showModal();
    }
  });

  /* The count on the page follows the server's answer to the copy POST. */
  document.addEventListener("htmx:afterRequest", function (ev) {
    var btn = ev.detail.elt;
    if (!btn || !btn.hasAttribute("data-copy") || !ev.detail.successful) { return; }
    try {
      var answer = JSON.parse(ev.detail.xhr.responseText);
      var count = document.querySelector("[data-copy-count='" + answer.id + "']");
      if (count) { count.textContent = answer.copy_count; }
    } catch (e) { /* not JSON: leave the count as it was */ }
  });
})();
