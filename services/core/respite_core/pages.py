"""Server-rendered HTML pages for people (the link page an office opens from its email, and what
answering it shows): Jinja2 with autoescape on, no JavaScript, no external resources.

Every service renders with its own templates first and the kernel's (`templates/pages/`: the layout
and the message pages) second, so a page of any service looks the same. Responses carry headers
that keep a page (and the token in its URL) to itself: no caching, no referrer, no framing, a
content security policy that allows no script at all.
"""

from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from chalice.app import Response

from respite_core.domain import Language
from respite_core.store.reference_tokens import TokenGone, UnknownToken
from respite_core.wording import LINK_GONE, LINK_NOT_VALID, PAGE

if TYPE_CHECKING:
    from jinja2 import Environment

HTML = "text/html; charset=utf-8"
PAGE_HEADERS: Mapping[str, str] = {
    "Content-Type": HTML,
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, nofollow",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
}


@cache
def environment(package: str | None = None) -> "Environment":
    """Templates of `package` (its `templates/` folder) before the kernel's; autoescaped, strict."""
    from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

    loaders = [PackageLoader(package, "templates")] if package else []
    loaders.append(PackageLoader("respite_core", "templates"))
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, *, package: str | None = None, **context: Any) -> str:
    return environment(package).get_template(template).render(**context)


def form_actions_to(origin: str) -> dict[str, str]:
    """The page's policy, letting its forms post to `origin` too (a presigned S3 upload) and no other."""
    policy = PAGE_HEADERS["Content-Security-Policy"].replace(
        "form-action 'self'", f"form-action 'self' {origin}"
    )
    return {"Content-Security-Policy": policy}


def page(html: str, status: int = 200, **headers: str) -> Response:
    return Response(body=html, status_code=status, headers={**PAGE_HEADERS, **headers})


def words(language: Language) -> Mapping[str, str]:
    return PAGE[language]


def message_page(
    language: Language,
    status: int,
    title: str,
    paragraphs: Sequence[str] = (),
    *,
    items: Sequence[str] = (),
    back_href: str | None = None,
) -> Response:
    """A page that says one thing (an error, mostly) in one language, with an optional list."""
    html = render(
        "pages/message.html.j2",
        lang=language.value,
        title=title,
        sections=[{"lang": language.value, "title": title, "paragraphs": paragraphs, "entries": items}],
        back_href=back_href,
        back=words(language)["back"],
    )
    return page(html, status)


def link_not_valid() -> Response:
    """404 for a link that opens nothing: in every language, revealing nothing."""
    return _every_language(404, LINK_NOT_VALID)


def link_gone() -> Response:
    """410 for a link that expired or was revoked: in every language, revealing nothing."""
    return _every_language(410, LINK_GONE)


def link_refused(refused: UnknownToken | TokenGone) -> Response:
    """The page for a link `reference_tokens.resolve` refused: 410 when it is gone, else 404."""
    return link_gone() if isinstance(refused, TokenGone) else link_not_valid()


def _every_language(status: int, texts: Sequence[tuple[Language, str, str]]) -> Response:
    sections = [
        {"lang": language.value, "title": title, "paragraphs": [text], "entries": []}
        for language, title, text in texts
    ]
    html = render(
        "pages/message.html.j2",
        lang=texts[0][0].value,
        title=" · ".join(title for _, title, _ in texts),
        sections=sections,
        back_href=None,
        back="",
    )
    return page(html, status)
