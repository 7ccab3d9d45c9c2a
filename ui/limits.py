"""HTTP limits in front of the Gradio app: request body size and the upload policy.

Checked on the request line and headers, before Gradio reads, parses, logs or stores a body:
a 20-million-character question is refused with 413 instead of being parsed into memory, and
`/gradio_api/upload` is refused with 403 unless the app was launched with an upload limit
(the chat page is; a page that needs uploads, such as an admin page, passes its own limit).
"""

from __future__ import annotations

import json

UPLOAD_PATH_SUFFIX = "/upload"
MULTIPART_OVERHEAD_BYTES = 64 * 1024  # form boundaries and headers around an uploaded file


class RequestLimits:
    """ASGI middleware: 403 for uploads when `upload_max_bytes` is 0, 413 for a body over
    the limit (uploads: `upload_max_bytes`; anything else: `max_bytes`), and 411 for a
    body sent without a Content-Length (which could not be checked up front)."""

    def __init__(
        self, app, max_bytes: int, upload_max_bytes: int = 0, upload_paths: dict | None = None
    ) -> None:
        """`max_bytes` for API and page requests; `upload_max_bytes` 0 disables uploads;
        `upload_paths` maps a mounted page's path prefix (the admin page's "/admin") to the
        upload limit that applies under it."""
        self.app = app
        self.max_bytes = int(max_bytes)
        self.upload_max_bytes = int(upload_max_bytes)
        self.upload_paths = {k.rstrip("/"): int(v) for k, v in (upload_paths or {}).items()}

    async def __call__(self, scope, receive, send) -> None:
        """Refuse what is over the limits; pass everything else through unchanged."""
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "").rstrip("/")
        limit = self.max_bytes
        if path.endswith(UPLOAD_PATH_SUFFIX):
            allowed = next(
                (n for prefix, n in self.upload_paths.items() if path.startswith(prefix + "/")),
                self.upload_max_bytes,
            )
            if allowed <= 0:
                await _refuse(send, 403, "uploads are disabled on this server")
                return
            limit = allowed + MULTIPART_OVERHEAD_BYTES
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        length = headers.get("content-length")
        if length is None:
            if "chunked" in headers.get("transfer-encoding", "").lower():
                await _refuse(send, 411, "a request body needs a Content-Length")
                return
        elif not length.strip().isdigit() or int(length) > limit:
            await _refuse(send, 413, f"request body over the limit of {limit} bytes")
            return
        await self.app(scope, receive, send)


async def _refuse(send, status: int, detail: str) -> None:
    """A short JSON error response."""
    body = json.dumps({"error": detail}).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode("ascii")),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
