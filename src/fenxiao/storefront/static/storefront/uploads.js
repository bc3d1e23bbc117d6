/* Fenxiao H5: the picture picker of the complaint and after-sales forms. Each chosen file is
   posted to the H5 upload URL (session cookie + CSRF header, as htmx sends it); the answer's URL
   becomes a thumbnail and a hidden "photos" field. Without this script the form posts no pictures. */
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) { return ""; }
  }

  function setup(root) {
    if (root.getAttribute("data-ready")) { return; }
    root.setAttribute("data-ready", "1");
    var input = root.querySelector("[data-picture-input]");
    var thumbs = root.querySelector("[data-picture-thumbs]");
    var status = root.querySelector("[data-picture-status]");
    var max = parseInt(root.getAttribute("data-max"), 10) || 9;
    var url = root.getAttribute("data-upload-url");
    var pending = 0;

    function count() { return thumbs.querySelectorAll("[data-picture]").length + pending; }
    function say(text) { status.textContent = text; }

    function add(pictureUrl) {
      var box = document.createElement("span");
      box.className = "picture-thumb";
      box.setAttribute("data-picture", "");
      var img = document.createElement("img");
      img.src = pictureUrl;
      img.alt = "已上传的图片";
      var remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "×";
      remove.setAttribute("aria-label", "删除图片");
      remove.addEventListener("click", function () { box.remove(); say(""); });
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "photos";
      hidden.value = pictureUrl;
      box.appendChild(img);
      box.appendChild(remove);
      box.appendChild(hidden);
      thumbs.appendChild(box);
    }

    function upload(file) {
      var body = new FormData();
      body.append("file", file);
      pending += 1;
      say("图片上传中…");
      return fetch(url, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (!response.ok || !answer.url) { throw new Error(answer.message || "图片上传失败，请重试"); }
          add(answer.url);
          say("");
        });
      }).catch(function (error) {
        say(error && error.message ? error.message : "图片上传失败，请重试");
      }).then(function () { pending -= 1; });
    }

    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      input.value = "";
      var room = max - count();
      if (files.length > room) { files = files.slice(0, Math.max(0, room)); say("图片最多 " + max + " 张"); }
      files.reduce(function (done, file) {
        return done.then(function () { return upload(file); });
      }, Promise.resolve());
    });
  }

  function setupAll() { document.querySelectorAll("[data-picture-picker]").forEach(setup); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setupAll); } else { setupAll(); }
})();
