"""A small multipart/form-data reader (the `cgi` module is gone in newer Pythons)."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message


@dataclass
class Part:
    name: str
    filename: str | None
    content_type: str | None
    data: bytes


def _header_params(value: str) -> tuple[str, dict[str, str]]:
    message = Message()
    message["content-type"] = value
    params = dict(message.get_params()[1:])
    return message.get_content_type(), params


def boundary_of(content_type: str) -> str | None:
    kind, params = _header_params(content_type or "")
    return params.get("boundary") if kind == "multipart/form-data" else None


def parse(body: bytes, boundary: str) -> list[Part]:
    delimiter = b"--" + boundary.encode("latin-1")
    parts = []
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk.lstrip(b"\n")
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            head, sep, data = chunk.partition(b"\n\n")
        if data.endswith(b"\r\n"):
            data = data[:-2]
        elif data.endswith(b"\n"):
            data = data[:-1]
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").splitlines():
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        _, params = _header_params("x/y; " + disposition.partition(";")[2])
        if "name" in params:
            parts.append(
                Part(params["name"], params.get("filename"), headers.get("content-type"), data)
            )
    return parts
