"""The site's two languages: Indonesian first, English when the visitor asks for it."""

from django.utils.translation import get_language


def english() -> bool:
    """Whether the active language is English (anything else reads Indonesian)."""
    return (get_language() or "id").startswith("en")
