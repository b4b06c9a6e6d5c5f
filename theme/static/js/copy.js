// Progressive enhancement: a "Copy" button next to each coupon code, only where the
// Clipboard API exists. Without JavaScript the code stays plain selectable text.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  document.querySelectorAll("[data-copy]").forEach(function (code) {
    var button = document.createElement("button");
    var status = document.createElement("span");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = code.dataset.copy || "Copy code";
    status.setAttribute("role", "status");
    status.className = "copy-status";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(code.textContent.trim()).then(
        function () { status.textContent = " " + (code.dataset.copied || "Copied."); },
        function () { status.textContent = " " + (code.dataset.copyFailed || "Select the code to copy it."); }
      );
    });
    code.after(button, status);
  });
})();
