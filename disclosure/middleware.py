"""Headers that say who may keep or read an answer."""

from django.utils.cache import add_never_cache_headers

from disclosure.surfaces import is_open_data, is_staff_view

SAFE_METHODS = ("GET", "HEAD")


class DisclosureHeaders:
    """``Access-Control-Allow-Origin: *`` on anonymous reads of open data, so open-data apps on other
    sites can use them from a browser (and on nothing else); ``Cache-Control: no-store`` on every staff
    answer and every answer to a signed-in user, so no shared or browser cache keeps them. Answers
    for the reporter set no-store themselves (web.pages.Track, the citizen actions)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
        if is_staff_view(match) or signed_in:
            add_never_cache_headers(response)
        elif request.method in SAFE_METHODS and is_open_data(match):
            response["Access-Control-Allow-Origin"] = "*"
        return response
