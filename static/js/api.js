// How the page scripts talk to our API: same-origin JSON with the CSRF token. The answer is always
// {ok, status, body}; a network failure is status 0 with no body (the page says "try again").
(function () {
  "use strict";

  function csrfToken() {
    const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function api(url, options) {
    const init = Object.assign({ credentials: "same-origin" }, options || {});
    init.headers = Object.assign({ Accept: "application/json", "X-CSRFToken": csrfToken() }, init.headers || {});
    try {
      const response = await fetch(url, init);
      let body = null;
      try { body = await response.json(); } catch (e) { body = null; }
      return { ok: response.ok, status: response.status, body: body };
    } catch (e) {
      return { ok: false, status: 0, body: null };
    }
  }

  window.PEKA = Object.assign(window.PEKA || {}, { api: api });
})();
