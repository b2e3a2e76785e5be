"""Translation providers: their limits, keys, and one client per provider that never hangs.

deep-translator is the client for Google, DeepL, Microsoft and MyMemory. It calls the module-level
`requests.get/post` without a timeout and hides HTTP status codes, so each of its provider modules
gets a stand-in `requests` that adds the run's timeout and session (per thread) and remembers the
last response and transport error; errors are then classified into `RequestFailed`.
LibreTranslate is spoken directly (deep-translator's class needs a key, has no timeout and knows
only 17 languages), which also lets one request carry a list of texts.
Keys come from the mapping passed in (e.g. Streamlit secrets) or the environment; they are never
logged, and every message that leaves this module is passed through `redact`. A key belongs to the
operator: it goes only to the provider's own address or an address the operator configured
(`endpoint_key`), never to one a browser user typed.
"""

from __future__ import annotations

import email.utils
import logging
import os
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from deep_translator import deepl, google, microsoft, mymemory
from deep_translator import exceptions as dt_errors

# everything deep-translator raises for a request that did not give a translation
_DT_ERRORS = (
    dt_errors.BaseError, dt_errors.RequestError, dt_errors.MicrosoftAPIerror,
    dt_errors.TooManyRequests, dt_errors.ServerException, dt_errors.AuthorizationException,
)  # fmt: skip


@dataclass(frozen=True)
class ProviderSpec:
    """What newsprism knows about one provider."""

    name: str
    label: str
    max_chars: int  # longest text one item may carry (paragraphs are split under it)
    batch_items: int  # texts per request
    batch_chars: int  # characters per request
    key_env: str | None  # environment variable holding the key (or MyMemory's e-mail)
    key_required: bool
    url: str | None  # endpoint; None when the user must give one
    auto_source: bool  # can translate text whose language is unknown


PROVIDERS: dict[str, ProviderSpec] = {
    "google": ProviderSpec(
        "google", "Google Translate", 4500, 1, 4500, None, False,
        "https://translate.google.com/m", True,
    ),
    "deepl": ProviderSpec(
        "deepl", "DeepL", 4500, 1, 4500, "NEWSPRISM_DEEPL_KEY", True,
        "https://api-free.deepl.com/v2/", False,
    ),
    "microsoft": ProviderSpec(
        "microsoft", "Microsoft Translator", 4500, 1, 4500, "NEWSPRISM_MICROSOFT_KEY", True,
        "https://api.cognitive.microsofttranslator.com/translate?api-version=3.0", False,
    ),
    "libretranslate": ProviderSpec(
        "libretranslate", "LibreTranslate", 4500, 50, 20000, "NEWSPRISM_LIBRETRANSLATE_KEY",
        False, None, True,
    ),
    "mymemory": ProviderSpec(
        "mymemory", "MyMemory", 480, 1, 480, "NEWSPRISM_MYMEMORY_EMAIL", False,
        "https://api.mymemory.translated.net/get", False,
    ),
    # models on this machine (translate_local.py): no key, no address, no network
    "local": ProviderSpec(
        "local", "Local models (offline)", 1000, 16, 8000, None, False, None, False,
    ),
}  # fmt: skip
LOCAL = "local"

_RETRY_STATUS = {429, 500, 502, 503, 504}
_AUTH_STATUS = {401, 403, 456}  # 456: DeepL quota exceeded
MAX_RETRY_AFTER = 120.0  # a provider asking for a longer pause is treated as unavailable


class RequestFailed(Exception):
    """One failed request, classified; `message` is plain, redacted and safe to show."""

    def __init__(
        self,
        kind: str,
        message: str,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        # timeout, connection, offline, http, bad-response, auth, rejected, model (local)
        self.kind = kind
        self.message = message
        self.status = status
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        if self.kind in ("timeout", "connection", "bad-response"):
            return True
        return self.kind == "http" and self.status in _RETRY_STATUS


def provider_spec(name: str) -> ProviderSpec:
    """The spec of a provider by name, or a ValueError naming the choices."""
    try:
        return PROVIDERS[name]
    except KeyError:
        raise ValueError(
            f"unknown translation provider {name!r}; choose one of {', '.join(PROVIDERS)}"
        ) from None


def resolve_key(spec: ProviderSpec, keys: Mapping[str, str]) -> str | None:
    """The provider's key from the mapping (by env var name or provider name), else the env."""
    if spec.key_env is None:
        return None
    for name in (spec.key_env, spec.name):
        if keys.get(name):
            return str(keys[name])
    return os.environ.get(spec.key_env) or None


# LibreTranslate servers the operator offers (one or more, separated by commas or spaces)
ENDPOINTS_ENV = "NEWSPRISM_TRANSLATOR_URL"
# set by `newsprism app --allow-user-endpoints`: browser users may type a server address
USER_ENDPOINTS_ENV = "NEWSPRISM_ALLOW_USER_ENDPOINTS"


def endpoint(spec: ProviderSpec, url: str | None) -> str:
    """The address requests go to, written one way (scheme and host in lower case, no trailing
    slash), so the same server is recognised however it was typed."""
    parts = urlsplit((url or spec.url or "").strip())
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def configured_endpoints(spec: ProviderSpec, env: Mapping[str, str]) -> list[str]:
    """The addresses the operator configured for a provider: its own public address, or for
    LibreTranslate the servers listed in NEWSPRISM_TRANSLATOR_URL."""
    if spec.url:
        return [spec.url]
    return [u for u in re.split(r"[\s,]+", env.get(ENDPOINTS_ENV, "")) if u]


def user_endpoints_allowed(env: Mapping[str, str]) -> bool:
    """Whether the operator let browser users type a server address of their own."""
    return env.get(USER_ENDPOINTS_ENV, "") == "1"


def endpoint_key(
    spec: ProviderSpec, url: str | None, keys: Mapping[str, str], configured: Sequence[str]
) -> str | None:
    """The key that goes with requests to `url`: the operator's key when `url` is the provider's
    own address or one in `configured`, and none for any other address."""
    allowed = {endpoint(spec, u) for u in configured}
    if spec.url:
        allowed.add(endpoint(spec, spec.url))
    return resolve_key(spec, keys) if endpoint(spec, url) in allowed else None


def secrets_of(keys: Mapping[str, str]) -> list[str]:
    """Every key value in play (mapping and environment), longest first, for redaction."""
    values = {str(v) for v in keys.values() if v}
    values |= {os.environ.get(s.key_env or "", "") for s in PROVIDERS.values()} - {""}
    return sorted(values, key=len, reverse=True)


def redact(text: str, secrets: Sequence[str]) -> str:
    """Replace every secret in `text` with ***."""
    for secret in secrets:
        if len(secret) >= 3:
            text = text.replace(secret, "***")
    return text


class RedactingFilter(logging.Filter):
    """Scrubs keys from urllib3's debug lines (which print request URLs with their query)."""

    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = None
        return True


# --- the stand-in for `requests` inside deep-translator ---------------------------------------

_local = threading.local()


class _TimedRequests:
    """Module-like object: requests.get/post with the calling thread's timeout and session."""

    exceptions = requests.exceptions

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self._send("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        return self._send("POST", url, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(requests, name)

    @staticmethod
    def _send(method: str, url: str, **kwargs: Any) -> requests.Response:
        session: requests.Session | None = getattr(_local, "session", None)
        if session is None:  # someone else using deep-translator: unchanged behaviour
            return requests.request(method, url, **kwargs)
        kwargs.setdefault("timeout", _local.timeout)
        params = kwargs.get("params")
        if isinstance(params, dict) and "auth_key" in params:
            # DeepL: the key goes in a header (its current auth), never into a logged URL
            params = dict(params)
            key = params.pop("auth_key")
            kwargs["params"] = params
            kwargs["headers"] = {
                **kwargs.get("headers", {}),
                "Authorization": f"DeepL-Auth-Key {key}",
            }
        try:
            response = session.request(method, url, **kwargs)
        except requests.RequestException as exc:
            _local.error = exc
            raise
        _local.response = response
        return response


for _module in (google, deepl, microsoft, mymemory):
    _module.requests = _TimedRequests()  # type: ignore[attr-defined]


@contextmanager
def _timed(session: requests.Session, timeout: float) -> Iterator[None]:
    _local.session, _local.timeout, _local.response, _local.error = session, timeout, None, None
    try:
        yield
    finally:
        _local.session = None


# --- clients ----------------------------------------------------------------------------------


class Client:
    """Translates lists of texts for one provider; one instance per worker thread."""

    def __init__(
        self, spec: ProviderSpec, target: str, url: str | None, key: str | None, timeout: float
    ) -> None:
        self.spec, self.key, self.timeout = spec, key, timeout
        self.target = provider_code(spec, target) or target
        self.url = url or spec.url or ""
        self.session = requests.Session()
        self._translators: dict[str, Any] = {}

    def translate(self, texts: Sequence[str], source: str) -> list[str]:
        """Translations of `texts` from `source` (ISO 639-1 or auto), in order; raises RequestFailed."""
        if self.spec.name == "libretranslate":
            return self._libretranslate(texts, source)
        return [
            self._deep_translator(t, provider_code(self.spec, source, t) or source) for t in texts
        ]

    def close(self) -> None:
        self.session.close()

    def _deep_translator(self, text: str, source: str) -> str:
        translator = self._translators.get(source)
        with _timed(self.session, self.timeout):
            try:
                if translator is None:
                    translator = self._translators[source] = self._make(source)
                result = translator.translate(text)
            except (*_DT_ERRORS, requests.RequestException, ValueError, LookupError,
                    AttributeError, TypeError) as exc:  # fmt: skip
                raise _classify(exc, self.spec) from None
        # deep-translator returns None where Google echoes the input back unchanged
        return text if result is None else str(result)

    def _make(self, source: str) -> Any:
        name = self.spec.name
        if name == "google":
            made: Any = google.GoogleTranslator(source=source, target=self.target)
        elif name == "deepl":
            made = deepl.DeeplTranslator(
                source=source, target=self.target, api_key=self.key,
                use_free_api=bool(self.key and self.key.endswith(":fx")),
            )  # fmt: skip
        elif name == "microsoft":
            made = _Microsoft(
                source=source, target=self.target, api_key=self.key,
                region=os.environ.get("NEWSPRISM_MICROSOFT_REGION"),
            )  # fmt: skip
        else:
            made = mymemory.MyMemoryTranslator(source=source, target=self.target, email=self.key)
        if self.url != (self.spec.url or ""):
            # a user-given endpoint (proxy, self-hosted mirror, test server)
            made._base_url = self.url if name != "deepl" else self.url.rstrip("/") + "/"
        return made

    def _libretranslate(self, texts: Sequence[str], source: str) -> list[str]:
        payload: dict[str, Any] = {
            "q": list(texts), "source": source, "target": self.target, "format": "text",
        }  # fmt: skip
        if self.key:
            payload["api_key"] = self.key
        endpoint = self.url.rstrip("/") + "/translate"
        try:
            response = self.session.post(endpoint, json=payload, timeout=self.timeout)
            status = response.status_code
            body = response.json() if status == 200 or _is_json(response) else None
        except (requests.RequestException, ValueError) as exc:
            _local.error, _local.response = exc, None
            raise _classify(exc, self.spec) from None
        if status != 200:
            error = body.get("error") if isinstance(body, dict) else None
            raise _http_failure(self.spec, status, response.headers.get("Retry-After"), error)
        out = body.get("translatedText") if isinstance(body, dict) else None
        if isinstance(out, str) and len(texts) == 1:
            out = [out]
        if (
            not isinstance(out, list)
            or len(out) != len(texts)
            or not all(isinstance(t, str) for t in out)
        ):
            raise RequestFailed("bad-response", f"{self.spec.label} sent an unexpected answer")
        return out


class _Microsoft(microsoft.MicrosoftTranslator):
    """deep-translator's Microsoft client without its language-list request at construction."""

    def _get_supported_languages(self) -> dict[str, str]:
        return {code: code for code in _microsoft_codes()}


def _is_json(response: requests.Response) -> bool:
    return "json" in response.headers.get("Content-Type", "")


def _classify(exc: BaseException, spec: ProviderSpec) -> RequestFailed:
    """Turn whatever deep-translator or requests raised into a plain, retry-aware failure."""
    error = getattr(_local, "error", None) or (
        exc if isinstance(exc, requests.RequestException) else None
    )
    response: requests.Response | None = getattr(_local, "response", None)
    label = spec.label
    if isinstance(error, requests.Timeout):
        return RequestFailed("timeout", f"{label} did not answer in time")
    if isinstance(error, requests.ConnectionError):
        if _unresolved(error):
            # no DNS: almost always no network, and retrying will not help
            return RequestFailed("offline", f"{label}'s address cannot be looked up (no network?)")
        return RequestFailed("connection", f"the connection to {label} failed")
    if isinstance(error, requests.exceptions.JSONDecodeError):
        return RequestFailed("bad-response", f"{label} sent an answer that is not valid JSON")
    if isinstance(error, requests.RequestException):
        return RequestFailed("bad-response", f"{label} sent an incomplete answer")
    if response is not None and not 200 <= response.status_code < 300:
        return _http_failure(spec, response.status_code, response.headers.get("Retry-After"), None)
    if isinstance(exc, ValueError):
        return RequestFailed("bad-response", f"{label} sent an answer that is not valid JSON")
    return RequestFailed("bad-response", f"{label} sent no translation")


def _http_failure(
    spec: ProviderSpec, status: int, retry_after: str | None, error: object
) -> RequestFailed:
    detail = f": {str(error)[:200]}" if error else ""
    if status in _AUTH_STATUS:
        what = "quota exceeded" if status == 456 else "key missing or rejected"
        return RequestFailed("auth", f"{spec.label}: {what} (HTTP {status}){detail}", status)
    kind = "http" if status in _RETRY_STATUS or status >= 500 else "rejected"
    return RequestFailed(
        kind, f"{spec.label}: HTTP {status}{detail}", status, parse_retry_after(retry_after)
    )


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def provider_code(spec: ProviderSpec, code: str, text: str = "") -> str | None:
    """The code a provider uses for an ISO 639-1 language, or None if it has none."""
    code = code.lower()
    if code == "auto":
        return code if spec.auto_source else None
    cyrillic = any("\u0400" <= ch <= "\u04ff" for ch in text)
    if spec.name in ("libretranslate", LOCAL):  # the server's / the installed models' codes
        return code
    if spec.name == "microsoft":
        if code == "sr":  # Microsoft only knows Serbian by script
            return "sr-Cyrl" if cyrillic else "sr-Latn"
        code = {"zh-cn": "zh-Hans", "zh-tw": "zh-Hant"}.get(code, code)
        return code if code in _microsoft_codes() else None
    table = _tables()[spec.name]
    by_lower = {c.lower(): c for c in table.values()}
    for candidate in (code, _ALIASES.get(code)):
        if candidate in by_lower:
            return by_lower[candidate]
    if spec.name == "mymemory" and code == "sr":
        return table["serbian cyrillic" if cyrillic else "serbian latin"]
    # MyMemory names regional variants: take the one filed under the plain language name
    name = next((n for n, c in _tables()["google"].items() if c == code), None)
    return table.get(name) if name else None


_ALIASES = {"he": "iw", "jv": "jw", "zh": "zh-cn"}  # language-ID codes -> Google's older ones


def _tables() -> dict[str, dict[str, str]]:
    from deep_translator import constants

    return {
        "google": constants.GOOGLE_LANGUAGES_TO_CODES,
        "deepl": constants.DEEPL_LANGUAGE_TO_CODE,
        "mymemory": constants.MY_MEMORY_LANGUAGES_TO_CODES,
    }


def _microsoft_codes() -> set[str]:
    return set(_tables()["google"].values()) | {"he", "sr-Latn", "sr-Cyrl", "zh-Hans", "zh-Hant"}


def setup_problem(
    spec: ProviderSpec, url: str | None, keys: Mapping[str, str], key: str | None
) -> str | None:
    """What is missing before any request can work (key, server URL), in one sentence; `key` is
    the one that would go with the requests (see `endpoint_key`)."""
    if spec.name == LOCAL:
        return None  # its models are checked per language pair (translate_local)
    if spec.key_required and not key:
        if resolve_key(spec, keys):
            return (
                f"{spec.label} needs an API key, and the operator's key goes only to the"
                " addresses the operator configured."
            )
        return f"{spec.label} needs an API key: set {spec.key_env} or add it to the app's secrets."
    if not (url or spec.url):
        return f"{spec.label} needs the URL of your server (--translator-url)."
    return None


def reachability(spec: ProviderSpec, url: str | None, timeout: float) -> str | None:
    """None if the provider answers over HTTP within `timeout`, else why not (one sentence)."""
    target = (url or spec.url or "").rstrip("/")
    if spec.name == "libretranslate":
        target += "/languages"
    host = urlsplit(target).hostname or target
    try:
        response = requests.get(target, timeout=timeout)
    except requests.Timeout:
        return f"{spec.label} ({host}) did not answer within {timeout:g} seconds."
    except requests.ConnectionError as exc:
        if _unresolved(exc):
            return f"there is no network connection ({host} cannot be looked up)."
        return f"{spec.label} ({host}) could not be reached."
    except requests.RequestException:
        return f"{spec.label} ({host}) sent a broken answer."
    if spec.name == "libretranslate" and (response.status_code != 200 or not _is_json(response)):
        return f"{host} did not answer like a LibreTranslate server (HTTP {response.status_code})."
    return None


def _unresolved(exc: Exception) -> bool:
    text = str(exc).lower()
    return "resolve" in text or "name or service" in text or "nodename" in text
