"""What the web front end's answers carry (web/, the static site), wherever it is served: the local
gateway serves `web/dist` at `/` with these headers; CloudFront's response headers policy will add
the same in AWS.

The content security policy has no 'unsafe-inline': the build has no inline script or style
(web/vite.config.ts), so a script injected into a page cannot run.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SITE_ROOT_DOCUMENT = "index.html"
# Vite names what it emits under assets/ by content hash: a new build is a new name
HASHED_ASSETS_PREFIX = "assets/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


SITE_CONFIG = "config.json"


def cognito_origin(region: str) -> str:
    """Where the app signs in: Cognito's API in the pool's region (its calls answer browsers, CORS)."""
    return f"https://cognito-idp.{region}.amazonaws.com"


def site_config(
    *, api_url: str, user_pool_id: str, web_client_id: str, cognito_endpoint: str | None
) -> dict[str, str | None]:
    """The app's `/config.json` (web/src/config.ts): where this deployment's APIs and Cognito answer,
    so that one build serves every stage. `cognito_endpoint` None: Cognito's own, from the pool's
    region."""
    return {
        "api_url": api_url,
        "user_pool_id": user_pool_id,
        "web_client_id": web_client_id,
        "cognito_endpoint": cognito_endpoint,
    }


def content_security_policy(api_origins: Sequence[str] = ()) -> str:
    """The site's policy; `api_origins`: where the app may call besides its own origin (the APIs,
    Cognito)."""
    connect = " ".join(["'self'", *api_origins])
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        f"connect-src {connect}; manifest-src 'self'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'; object-src 'none'"
    )


@dataclass(frozen=True)
class UploadCors:
    """A browser posts a presigned upload (the signed consent form) straight to the documents bucket,
    which answers the site's origins only, as the APIs do. The upload is form fields and the file (a
    simple request: no preflight), so POST is the only method and no request header need be allowed."""

    origins: tuple[str, ...]
    methods: tuple[str, ...] = ("POST",)
    max_age_s: int = 600

    def rules(self) -> list[dict[str, Any]]:
        """S3's CORS rules (PutBucketCors); none without an origin."""
        if not self.origins:
            return []
        return [
            {
                "AllowedMethods": list(self.methods),
                "AllowedOrigins": list(self.origins),
                "MaxAgeSeconds": self.max_age_s,
            }
        ]


def security_headers(api_origins: Sequence[str] = ()) -> Mapping[str, str]:
    """Every answer of the site: no framing, no sniffing, no referrer (a dossier id is in the URL)."""
    return {
        "Content-Security-Policy": content_security_policy(api_origins),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
        "X-Robots-Tag": "noindex, nofollow",  # a tool for caseworkers, nothing for search engines
    }


def cache_control(relative_path: str) -> str:
    """Hashed assets are kept for a year; the document is checked each time, so a deploy shows at once."""
    return IMMUTABLE if relative_path.startswith(HASHED_ASSETS_PREFIX) else REVALIDATE
