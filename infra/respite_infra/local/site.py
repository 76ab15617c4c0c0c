"""The web front end (`web/dist`, built by `make web`) at `/` of the local gateway, as CloudFront serves
it from S3 in AWS: a file by its path, and `index.html` for any other path that looks like one of the
app's screens (no file extension), so that a reload or a shared link opens that screen. The APIs keep
their prefixes: the gateway asks the site only for paths no API and no local route answers.
"""

import mimetypes
import posixpath
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import unquote

from respite_infra.catalogue import REPO_ROOT
from respite_infra.site import SITE_ROOT_DOCUMENT, cache_control, security_headers

BUILT_SITE = REPO_ROOT / "web" / "dist"

type Answer = tuple[int, dict[str, str], bytes]

# what mimetypes may not know, or knows otherwise on some systems
CONTENT_TYPES: Mapping[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}


def content_type(path: str) -> str:
    suffix = posixpath.splitext(path)[1].lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def site_file(raw_path: str) -> str | None:
    """The file (relative to the site's root) that answers a request path, or None when the path
    tries to leave the root. A path without an extension is a screen of the app: its document."""
    path = posixpath.normpath("/" + unquote(raw_path).lstrip("/"))
    if "\x00" in path or "\\" in path:
        return None
    relative = path.lstrip("/")
    if relative in ("", "."):
        return SITE_ROOT_DOCUMENT
    return relative


def is_screen(relative: str) -> bool:
    """Client routes (`dossiers/abc`) have no extension; a missing asset (`assets/x.js`) has one."""
    return "." not in posixpath.basename(relative)


class StaticSite:
    """Answers GET and HEAD from `root`; every answer carries the site's security headers."""

    def __init__(self, root: Path = BUILT_SITE, connect_origins: Sequence[str] = ()) -> None:
        self.root = root.resolve()
        self.connect_origins = tuple(connect_origins)  # besides its own: moto (Cognito, S3's uploads)

    @property
    def built(self) -> bool:
        return (self.root / SITE_ROOT_DOCUMENT).is_file()

    def answer(self, method: str, raw_path: str) -> Answer:
        headers = dict(security_headers(self.connect_origins))
        if method not in ("GET", "HEAD"):
            return (
                405,
                headers | {"Allow": "GET, HEAD", "Content-Type": "text/plain"},
                b"Method not allowed\n",
            )
        if not self.built:
            body = b"The web front end is not built: run `make web` (make run does it).\n"
            return 404, headers | {"Content-Type": "text/plain; charset=utf-8"}, body
        relative = site_file(raw_path)
        file = self._file(relative) if relative else None
        if file is None and relative is not None and is_screen(relative):
            relative, file = SITE_ROOT_DOCUMENT, self.root / SITE_ROOT_DOCUMENT
        if file is None or relative is None:
            return 404, headers | {"Content-Type": "text/plain; charset=utf-8"}, b"Not found\n"
        headers |= {"Content-Type": content_type(relative), "Cache-Control": cache_control(relative)}
        return 200, headers, file.read_bytes()

    def _file(self, relative: str) -> Path | None:
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate
