"""Production settings whose static files are compressed but not renamed through a manifest.

The home-page benchmark falls back to these when `collectstatic` with the production storage
(whitenoise's CompressedManifestStaticFilesStorage) refuses the static files, e.g. because a vendored
script names a source map that was not copied. Pages then link the plain file names; the bytes a
first visit transfers, compressed as in production, stay the same.
"""

from geo.settings import *  # noqa: F403
from geo.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}
