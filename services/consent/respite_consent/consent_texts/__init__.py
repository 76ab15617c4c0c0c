"""The consent texts a person agrees to, versioned and per language; the hash is the evidence."""

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from respite_core.domain import Language

CURRENT_VERSION = "v1"
VERSIONS = ("v1",)


@dataclass(frozen=True)
class ConsentText:
    version: str
    language: Language
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


class UnknownConsentText(LookupError):
    pass


@cache
def consent_text(version: str, language: Language) -> ConsentText:
    if version not in VERSIONS:
        raise UnknownConsentText(f"no consent text version {version!r}")
    text = resources.files(__package__).joinpath(f"{version}.{language.value}.txt").read_text("utf-8")
    return ConsentText(version, language, text)


def every_text() -> list[ConsentText]:
    """Every version in every language, oldest version first."""
    return [consent_text(version, language) for version in VERSIONS for language in Language]
