"""HTML form posts read by `respite_core.forms`: fields, byte-exact files, limits, broken bodies."""

import pytest

from respite_core.forms import FormTooLarge, MalformedForm, parse_form

BOUNDARY = "----RespiteBoundary7MA4YWxkTrZu0gW"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def multipart(*parts: tuple[str, bytes, str | None, str | None]) -> bytes:
    """Parts as a browser sends them: (name, data, filename, content type)."""
    body = b""
    for name, data, filename, content_type in parts:
        disposition = f'form-data; name="{name}"' + (
            f'; filename="{filename}"' if filename is not None else ""
        )
        body += f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n".encode()
        if content_type:
            body += f"Content-Type: {content_type}\r\n".encode()
        body += b"\r\n" + data + b"\r\n"
    return body + f"--{BOUNDARY}--\r\n".encode()


def test_text_fields_and_a_file_are_read_exactly() -> None:
    awkward = bytes(range(256)) + b"\r\n\r\n--" + BOUNDARY.encode()[:-1] + b"\n\r\r\n"
    body = multipart(
        ("type", b"notice_ack", None, None),
        ("comment", "Één <b>opmerking</b>\r\nop twee regels".encode(), None, None),
        ("file_references", b"A-1", None, None),
        ("file_references", b"A-2", None, None),
        ("attachment", awkward, "scan.pdf", "application/pdf"),
    )

    form = parse_form(CONTENT_TYPE, body, max_bytes=10_000)

    assert form.value("type") == "notice_ack"
    assert form.value("comment") == "Één <b>opmerking</b>\r\nop twee regels"
    assert form.fields["file_references"] == ["A-1", "A-2"]
    assert form.value("absent") == ""
    upload = form.files["attachment"]
    assert upload.data == awkward  # every byte, CR and LF included, as sent
    assert upload.content_type == "application/pdf"
    assert "scan" not in repr(upload)
    assert str(len(awkward)) in repr(upload)


def test_an_empty_file_input_is_no_file() -> None:
    body = multipart(("type", b"notice_ack", None, None), ("attachment", b"", "", "application/octet-stream"))
    assert parse_form(CONTENT_TYPE, body, max_bytes=10_000).files == {}


def test_urlencoded_forms_are_read_too() -> None:
    form = parse_form(
        "application/x-www-form-urlencoded", b"type=notice_ack&comment=a+%3Cb%3E&empty=", max_bytes=1000
    )
    assert form.value("comment") == "a <b>"
    assert form.fields["empty"] == [""]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (CONTENT_TYPE, b"no boundary in here"),
        (CONTENT_TYPE, multipart(("type", b"x", None, None))[: -len(f"--{BOUNDARY}--\r\n")]),  # unfinished
        ("multipart/form-data", multipart(("type", b"x", None, None))),  # no boundary parameter
        (CONTENT_TYPE, f"--{BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nx\r\n--{BOUNDARY}--".encode()),
        ("application/json", b"{}"),
    ],
)
def test_broken_forms_are_refused(content_type: str, body: bytes) -> None:
    with pytest.raises(MalformedForm):
        parse_form(content_type, body, max_bytes=10_000)


def test_limits_are_kept() -> None:
    with pytest.raises(FormTooLarge):
        parse_form(CONTENT_TYPE, multipart(("a", b"x" * 200, None, None)), max_bytes=100)
    with pytest.raises(FormTooLarge):
        parse_form(CONTENT_TYPE, multipart(("comment", b"x" * 30_000, None, None)), max_bytes=100_000)
    many = multipart(*((f"f{n}", b"", None, None) for n in range(300)))
    with pytest.raises(FormTooLarge):
        parse_form(CONTENT_TYPE, many, max_bytes=1_000_000)
