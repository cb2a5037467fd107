// The private link /lacak/<code>/#k=<key>: the key sits in the fragment, which no request carries (no
// server log, no Referer). Here it is taken out of the address bar and sent once, in a POST body, to
// open the reporter's page; the session then remembers it until the browser closes.
(function () {
  "use strict";
  const match = window.location.hash.match(/^#k=([A-Za-z0-9_-]{16,64})$/);
  const form = document.getElementById("reporter-key-form");
  if (!match || !form) return;
  history.replaceState(null, "", window.location.pathname + window.location.search);
  form.elements.key.value = match[1];
  form.submit();
})();
