// "Ikuti area ini": once the pin is placed (peta.js says where, with the "peka:located" event), follow
// its kelurahan or a 500 m circle around it. The request goes to /api/v1/subscriptions/; the answer
// says a confirmation link was sent (double opt-in).
(function () {
  "use strict";
  const root = document.getElementById("peta");
  const $ = (id) => document.getElementById(id);
  const form = $("follow-form");
  const RADIUS_M = 500;
  let here = null;

  function messages(body) {
    if (!body) return form.dataset.failed;
    if (body.detail) return body.detail;
    const flat = (value) => (typeof value === "string" ? [value] : Object.values(value).flatMap(flat));
    return flat(body).join(" ");
  }

  root.addEventListener("peka:located", (e) => {
    here = e.detail;
    $("follow").hidden = !here;
    if (!here) return;
    const kelurahan = here.kelurahan;
    $("follow-kelurahan-choice").hidden = !kelurahan;
    $("follow-kelurahan").textContent = kelurahan ? "Kelurahan " + kelurahan.name : "";
    form.querySelector('input[value="' + (kelurahan ? "kelurahan" : "circle") + '"]').checked = true;
  });

  $("follow-open").addEventListener("click", () => {
    form.hidden = !form.hidden;
    $("follow-open").setAttribute("aria-expanded", String(!form.hidden));
    if (!form.hidden) { form.scrollIntoView({ block: "nearest", behavior: "instant" }); $("follow-email").focus(); }
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const status = $("follow-status");
    status.textContent = "";
    const email = $("follow-email").value.trim(), phone = $("follow-phone").value.trim();
    if (!email && !phone) { status.className = "error"; status.textContent = form.dataset.contactMissing; return; }
    const body = { frequency: $("follow-frequency").value };
    if (email) body.email = email; else body.phone = phone;
    const place = form.querySelector('input[name="follow-place"]:checked').value;
    if (place === "kelurahan" && here.kelurahan) body.kelurahan = here.kelurahan.code;
    else { body.point = { type: "Point", coordinates: [here.lon, here.lat] }; body.radius_m = RADIUS_M; }
    $("follow-submit").disabled = true;
    const answer = await PEKA.api(root.dataset.subscriptionsUrl, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    $("follow-submit").disabled = false;
    status.className = answer.ok ? "" : "error";
    status.textContent = messages(answer.body);
  });
})();
