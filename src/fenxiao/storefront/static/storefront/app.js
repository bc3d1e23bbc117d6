/* Fenxiao H5 storefront: the little the pages need beyond htmx. Countdowns, the SKU picker,
   the share dialog and quantity steppers. No framework, no network calls of its own. */
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  /* A stable id for this browser (risk control: the server records it beside orders and referral
     bindings). Sent as X-Device-Id with every htmx request, and kept in a cookie so that plain
     form posts (checkout) carry it too. Random, never derived from anything personal. */
  var DEVICE_KEY = "fenxiao.deviceId";
  var DEVICE_ID = /^[0-9a-f]{32}$/;
  function newDeviceId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }
  function deviceId() {
    var id = "";
    try { id = window.localStorage.getItem(DEVICE_KEY) || ""; } catch (e) { id = ""; }
    if (!DEVICE_ID.test(id)) {
      var cookie = document.cookie.match(/(?:^|; )fx_device=([0-9a-f]{32})/);
      id = cookie ? cookie[1] : newDeviceId();
      try { window.localStorage.setItem(DEVICE_KEY, id); } catch (e) { /* private mode: the cookie keeps it */ }
    }
    document.cookie = "fx_device=" + id + "; path=/; max-age=31536000; SameSite=Lax";
    return id;
  }
  deviceId();
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-Device-Id"] = deviceId();
  });

  function tickCountdowns() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var end = Date.parse(el.getAttribute("data-countdown"));
      if (isNaN(end)) { return; }
      var left = Math.max(0, Math.floor((end - now) / 1000));
      var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
      el.textContent = left === 0 ? (el.getAttribute("data-done") || "已结束")
        : (d > 0 ? d + "天 " : "") + pad(h) + ":" + pad(m) + ":" + pad(s);
    });
  }

  /* The SKU picker: each spec row picks a value; the SKU whose specs match all picks sets the
     hidden sku_id, the price and the stock shown. Values no SKU in stock has are greyed. */
  function setupSkuPicker(root) {
    var data = document.getElementById("sku-data");
    if (!root || !data) { return; }
    var skus = JSON.parse(data.textContent);
    var picked = {};
    var first = skus.find(function (s) { return s.stock > 0; }) || skus[0];
    if (first) { picked = Object.assign({}, first.specs); }
    var input = root.querySelector("input[name=sku_id]");
    var price = document.querySelector("[data-sku-price]");
    var stock = document.querySelector("[data-sku-stock]");
    var chosen = document.querySelector("[data-sku-chosen]");
    var buttons = root.querySelectorAll("[data-buy]");

    function match() {
      return skus.find(function (s) {
        return Object.keys(s.specs).every(function (k) { return picked[k] === s.specs[k]; });
      });
    }
    function render() {
      root.querySelectorAll(".chip[data-spec]").forEach(function (chip) {
        var name = chip.getAttribute("data-spec"), value = chip.getAttribute("data-value");
        chip.classList.toggle("on", picked[name] === value);
        var trial = Object.assign({}, picked); trial[name] = value;
        var exists = skus.some(function (s) {
          return s.stock > 0 && Object.keys(s.specs).every(function (k) { return trial[k] === s.specs[k]; });
        });
        chip.classList.toggle("off", !exists);
      });
      var sku = match();
      if (input) { input.value = sku ? sku.id : ""; }
      if (price && sku) { price.textContent = sku.price_yuan; }
      if (stock) { stock.textContent = sku ? (sku.stock > 0 ? "库存 " + sku.stock + " 件" : "已售罄") : "请选择规格"; }
      if (chosen) { chosen.textContent = sku ? Object.values(sku.specs).join(" / ") : "请选择规格"; }
      buttons.forEach(function (b) { b.disabled = !sku || sku.stock < 1; });
    }
    root.addEventListener("click", function (ev) {
      var chip = ev.target.closest(".chip[data-spec]");
      if (!chip) { return; }
      picked[chip.getAttribute("data-spec")] = chip.getAttribute("data-value");
      render();
    });
    render();
  }

  function setupSteppers() {
    document.addEventListener("click", function (ev) {
      var btn = ev.target.closest("[data-step]");
      if (!btn) { return; }
      var box = btn.closest(".qty");
      var input = box && box.querySelector("input");
      if (!input) { return; }
      var next = Math.max(parseInt(input.min || "1", 10), (parseInt(input.value, 10) || 1) + parseInt(btn.getAttribute("data-step"), 10));
      if (input.max) { next = Math.min(next, parseInt(input.max, 10)); }
      if (String(next) !== input.value) {
        input.value = next;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  function setupDialogs() {
    document.addEventListener("click", function (ev) {
      var opener = ev.target.closest("[data-open-dialog]");
      if (opener) {
        var dlg = document.getElementById(opener.getAttribute("data-open-dialog"));
        if (dlg && !dlg.open) { dlg.showModal(); }
      }
      var closer = ev.target.closest("[data-close-dialog]");
      if (closer) { closer.closest("dialog").close(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tickCountdowns();
    if (document.querySelector("[data-countdown]")) { setInterval(tickCountdowns, 1000); }
    setupSkuPicker(document.getElementById("sku-picker"));
    setupSteppers();
    setupDialogs();
  });
  document.addEventListener("htmx:afterSwap", tickCountdowns);
})();
/* A form marked data-autosubmit submits itself when a field changes (the checkout's coupon picker). */
document.addEventListener("change", function (ev) {
  var form = ev.target.closest && ev.target.closest("form[data-autosubmit]");
  if (form) { form.requestSubmit(); }
});
