"""HTML form posts (`multipart/form-data`, `application/x-www-form-urlencoded`) read without `cgi`
(gone in Python 3.13) and without a dependency: the body is split at its boundary here, byte-exact,
and each part's headers are read by the standard library's email parser.

Limits are enforced while reading: the whole body, the number of parts, and each text field's size.
Nothing of the content is ever put into an exception message.
"""

from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import HTTP
from urllib.parse import parse_qsl

MAX_PARTS = 200
MAX_FIELD_BYTES = 20_000


class MalformedForm(ValueError):
    """The body is not the form it claims to be."""


class FormTooLarge(MalformedForm):
    pass


@dataclass(frozen=True)
class UploadedFile:
    field_name: str
    content_type: str
    data: bytes
    filename: str = field(default="", repr=False)  # as the browser sent it; may name a person

    def __repr__(self) -> str:  # never print the content (or the file's name, which may name a person)
        return f"UploadedFile({self.field_name}, {self.content_type}, {len(self.data)} bytes)"


@dataclass(frozen=True)
class FormData:
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)

    def value(self, name: str) -> str:
        """The first value of a text field, stripped; "" when absent."""
        values = self.fields.get(name)
        return values[0].strip() if values else ""


def parse_form(content_type: str, body: bytes, *, max_bytes: int) -> FormData:
    """The form in `body`, as its `Content-Type` header says it is encoded."""
    if len(body) > max_bytes:
        raise FormTooLarge("the form is too large")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "multipart/form-data":
        return _multipart(content_type, body)
    if media_type == "application/x-www-form-urlencoded":
        return _urlencoded(body)
    raise MalformedForm("not a form")


def _urlencoded(body: bytes) -> FormData:
    try:
        pairs = parse_qsl(
            body.decode(), keep_blank_values=True, max_num_fields=MAX_PARTS, strict_parsing=False
        )
    except (UnicodeDecodeError, ValueError):
        raise MalformedForm("the form is not valid") from None
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        if len(value.encode()) > MAX_FIELD_BYTES:
            raise FormTooLarge("a field is too large")
        fields.setdefault(name, []).append(value)
    return FormData(fields=fields)


def _boundary(content_type: str) -> bytes:
    header = Message()
    header["content-type"] = content_type
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not 1 <= len(boundary) <= 70:
        raise MalformedForm("the form has no boundary")
    return boundary.encode("ascii", "strict")


def _multipart(content_type: str, body: bytes) -> FormData:
    try:
        delimiter = b"\r\n--" + _boundary(content_type)
    except UnicodeEncodeError:
        raise MalformedForm("the form has no boundary") from None
    chunks = (b"\r\n" + body).split(delimiter)
    if len(chunks) < 3:  # a preamble, at least one part, and the closing delimiter
        raise MalformedForm("the form is not valid")
    if len(chunks) > MAX_PARTS + 2:
        raise FormTooLarge("the form has too many fields")
    if not chunks[-1].startswith(b"--"):
        raise MalformedForm("the form is not complete")
    fields: dict[str, list[str]] = {}
    files: dict[str, UploadedFile] = {}
    parser = BytesHeaderParser(policy=HTTP)
    for chunk in chunks[1:-1]:
        _, newline, rest = chunk.partition(b"\r\n")  # after the delimiter: padding, then CRLF
        head, blank, data = rest.partition(b"\r\n\r\n")
        if not newline or not blank:
            raise MalformedForm("a part of the form is not valid")
        headers = parser.parsebytes(head + b"\r\n\r\n")
        name = headers.get_param("name", header="content-disposition")
        if not isinstance(name, str) or not name:
            raise MalformedForm("a part of the form has no name")
        filename = headers.get_param("filename", header="content-disposition")
        if filename is not None:
            if data or filename:  # an empty file input sends filename="" and no data: nothing chosen
                part_type = str(headers.get_content_type() or "application/octet-stream")
                files[name] = UploadedFile(name, part_type, data, filename=str(filename)[:200])
            continue
        if len(data) > MAX_FIELD_BYTES:
            raise FormTooLarge("a field is too large")
        fields.setdefault(name, []).append(data.decode("utf-8", errors="replace"))
    return FormData(fields=fields, files=files)
