"""Fetching a calendar over HTTP (httpx) with a conditional GET: the ETag and Last-Modified
of the last fetch go back as If-None-Match / If-Modified-Since, and a 304 means nothing
changed. Every failure (DNS, refused, timeout, an HTTP error, a body too large) is a
`FetchError` with a sentence for the admin; nothing here touches the store."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

USER_AGENT = "secbot-calendar-sync/1"
ACCEPT = "text/calendar, application/json;q=0.9, */*;q=0.5"


class FetchError(RuntimeError):
    """The calendar could not be fetched; the message says why, for the admin."""


@dataclass(frozen=True)
class Fetched:
    not_modified: bool  # 304: the calendar is as it was at the last fetch
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None


def http_url(url: str) -> str:
    """The URL to GET: `webcal://` (how Outlook and Google hand out published calendars)
    is HTTPS; `webcals://` too."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() in ("webcal", "webcals"):
        parts = parts._replace(scheme="https")
    return urlunsplit(parts)


def check_url(url: str) -> str:
    """The URL if it can be followed (http, https or webcal, with a host), else ValueError."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https", "webcal", "webcals") or not parts.hostname:
        raise ValueError(f"{url!r} is not a calendar URL: give an http(s):// or webcal:// address")
    return url.strip()


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    api_token: str | None = None,
    timeout: float = 30.0,
    max_bytes: int = 50_000_000,
    client: httpx.Client | None = None,
) -> Fetched:
    """GET the calendar at `url`, conditionally when validators are given."""
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if api_token:  # Indico API tokens; httpx drops it on a redirect to another host
        headers["Authorization"] = f"Bearer {api_token}"
    own = client is None
    http = client or httpx.Client(follow_redirects=True, timeout=timeout)
    try:
        with http.stream("GET", http_url(url), headers=headers, timeout=timeout) as response:
            if response.status_code == 304:
                return Fetched(not_modified=True, etag=etag, last_modified=last_modified)
            if response.status_code >= 400:
                raise FetchError(f"the server answered HTTP {response.status_code}"
                                 f" {response.reason_phrase}".rstrip())  # fmt: skip
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(f"the calendar is larger than {max_bytes:,} bytes")
            return Fetched(
                not_modified=False,
                body=bytes(body),
                content_type=response.headers.get("content-type", ""),
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
            )
    except httpx.TimeoutException:
        raise FetchError(f"no answer within {timeout:g} s (timed out)") from None
    except httpx.ConnectError as e:
        raise FetchError(f"cannot connect: {e}") from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as e:
        raise FetchError(f"bad URL: {e}") from None
    except httpx.HTTPError as e:
        raise FetchError(f"{e.__class__.__name__}: {e}") from None
    finally:
        if own:
            http.close()
