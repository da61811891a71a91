"""Static files in production: hashed names and compression (whitenoise) for cache-busting."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hash file names, but leave url() references inside CSS and JS as written: viewflow's bundled
    stylesheets refer to font files the package does not ship, which would abort collectstatic.
    The unhashed originals are collected too, so those references keep working."""

    patterns = ()
