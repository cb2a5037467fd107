"""Every URL of the site, by whom it serves (docs/rules.md, privacy rule 8), named as ``reverse``
names it ("notifications:unsubscribe").

``OPEN_DATA``: anonymous reads anyone may build on, from any site (CORS); ``PAGES``: the public's pages;
``CITIZEN_WRITES``: what anyone may send; ``STAFF``: staff only, never stored by a cache. A URL that is
in none of them fails tests/disclosure/test_surfaces.py, and every public one is fetched by its
privacy test.
"""

OPEN_DATA = frozenset(
    {
        "complaint-list",
        "complaint-detail",
        "complaint-nearby",
        "complaint-tile",
        "kecamatan-list",
        "kelurahan-list",
        "locate",
        "hotspot-hexbins",
        "hotspot-heatmap",
        "hotspot-gistar",
        "hotspot-trends",
        "hotspot-kecamatan",
        "hotspot-export",
        "report-card",
        "asset-list",
        "asset-chronic",
        "asset-chronic-export",
        "open311-discovery",
        "open311-services",
        "open311-service",
        "open311-requests",
        "open311-request",
        "open311-token",
        "alerts:feed-atom",  # new public complaints, with the public list's filters
        "alerts:feed-rss",
    }
)
PAGES = frozenset(
    {
        "home",
        "track",
        "track-lookup",
        "hotspots",
        "rapor",
        "login",
        "logout",
        "photo-file",
        "set_language",
        "schema",
        "api-docs",
        "notifications:unsubscribe",  # a signed link's page: what it stops
        "notifications:answer",  # a signed link's page: "sudah beres?"
        "notifications:supporter-confirm",  # a supporter's confirmation link (its token is the proof)
        "notifications:service-worker",
        "inbox-manifest",  # the installable inbox's names and icons; browsers fetch it without cookies
        "notifications:push-key",  # the public VAPID key
        "alerts:confirm",  # a subscription's confirmation link (its token is the proof)
        "alerts:unsubscribe",  # an alert's stop link: what it stops
        "alerts:subscription-detail",  # GET: the subscription, masked contact, for its token's holder
    }
)
CITIZEN_WRITES = frozenset(
    {
        "complaint-list",  # POST files a complaint
        "complaint-reopen",
        "complaint-rating",
        "complaint-support",
        "complaint-information",
        "photo-location",
        "open311-requests",  # POST, with an API key
        "track",  # the reporter's forms
        "notifications:unsubscribe",
        "notifications:answer",
        "notifications:supporter-confirm",  # POST: "yes, tell me of this complaint"
        "notifications:complaint-push",  # a browser asks to be told of a complaint's news
        "whatsapp:webhook",  # Meta's signed delivery statuses and incoming messages (signature checked)
        "alerts:subscription-list",  # POST: follow a place
        "alerts:follow-complaint",  # POST: "Ikuti laporan ini"
        "alerts:subscription-detail",  # DELETE: stop following
        "alerts:unsubscribe",
    }
)
STAFF = frozenset(
    {
        "satgas",
        "staff-jurisdiction-list",
        "staff-complaint-list",
        "staff-complaint-detail",
        "staff-transition",
        "staff-note",
        "staff-contact",  # the reporter's contact, each reading logged (complaints.reporter_contact)
        "staff-reassign",
        "staff-assign",
        "staff-assign-many",
        "staff-redact",
        "staff-hide-photo",
        "staff-replies",
        "staff-asset-history",
        "staff-forwarding-reply",
        "staff-forward",
        "notifications:staff-preferences",
        "notifications:staff-push",
    }
)
STAFF_NAMESPACES = frozenset({"admin"})


def is_staff_view(match) -> bool:
    return match is not None and (match.view_name in STAFF or bool(set(match.namespaces) & STAFF_NAMESPACES))


def is_open_data(match) -> bool:
    return match is not None and match.view_name in OPEN_DATA
