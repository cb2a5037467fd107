"""Web Push in a real Chromium: the service worker from our origin shows the notification when a push
reaches it (delivered through the DevTools protocol, as a push service would deliver it)."""

import json

import pytest

from notifications.channels.webpush import payload
from notifications.messages import Message

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_service_worker_shows_a_delivered_push(page, context, live_server, committed_city):
    context.grant_permissions(["notifications"], origin=live_server.url)
    page.goto(live_server.url + "/")
    scope = page.evaluate(
        "async () => { const r = await navigator.serviceWorker.register('/sw.js', {scope: '/'});"
        " await navigator.serviceWorker.ready; return r.scope; }"
    )
    assert scope == live_server.url + "/"
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    for _ in range(50):
        if any(r["scopeURL"] == scope for r in registrations):
            break
        page.wait_for_timeout(100)
    registration = next(r for r in registrations if r["scopeURL"] == scope)
    # The payload the worker sends: a title, a body and the page to open.
    data = payload(
        Message(
            subject="[PEKA] PKU-2345-6789: ada kabar baru",
            lines=["Ada kabar baru tentang laporan Anda."],
            link=live_server.url + "/lacak/PKU-2345-6789/",
            unsubscribe_url="",
            template="peka_kabar",
            parameters=["PKU-2345-6789"],
            language="id",
        )
    )
    # DevTools delivers a push once, without telling whether the worker took it (a worker still
    # starting may miss it): deliver again while nothing shows, up to three times. The notification's
    # tag (its page) makes a second delivery replace the first, not add to it.
    shown = []
    for _attempt in range(3):
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": live_server.url, "registrationId": registration["registrationId"], "data": data},
        )
        shown = page.evaluate(
            "async () => { const r = await navigator.serviceWorker.ready;"
            " for (let i = 0; i < 50; i++) { const n = await r.getNotifications();"
            " if (n.length) return n.map((x) => ({title: x.title, body: x.body, url: x.data.url}));"
            " await new Promise((ok) => setTimeout(ok, 100)); } return []; }"
        )
        if shown:
            break
    assert shown == [json.loads(data)]
