"""A loopback translation server for tests, the bench and the browser tests: no real provider needed.

Speaks the LibreTranslate protocol (POST /translate with q as a string or a list, source, target,
api_key, format, as JSON, form or query; GET /languages; errors as {"error": "..."} with
400/403/429/500) and, for deep-translator's clients, the endpoints they call: Google's mobile page
(GET /m), MyMemory (GET /get), DeepL (GET /v2/translate) and Microsoft (POST /translate?api-version).

Translations are deterministic English made from the text's hash (`fake_translation`), so language
ID on the output says English. Every translation request is logged (texts, fault, status) and
counted; faults are injected per request: slow (past the client's timeout), reset (connection
reset), 429 (with Retry-After), 500, 503, 400, 403, malformed (bad JSON), truncated (body shorter
than Content-Length), wrong-language (German out), echo (the input back unchanged).

    with run_server(delay=0.01) as server:
        server.inject("500")            # the next request fails once
        ...server.url...server.requests...
    python tests/libretranslate_server.py --port 5055   # for browser tests (prints its URL)
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import socket
import struct
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import polars as pl

from dashboard.schema import conform

FAULTS = (
    "slow", "reset", "429", "500", "503", "400", "403", "malformed", "truncated", "wrong-language",
    "echo",
)  # fmt: skip
LANGUAGES = ("en", "sr", "ro", "el", "de", "tr", "fr", "ru", "es", "it")
_ENGLISH = [
    "the",
    "minister",
    "said",
    "that",
    "government",
    "talks",
    "with",
    "president",
    "were",
    "held",
    "in",
    "capital",
    "on",
    "monday",
    "and",
    "officials",
    "from",
    "both",
    "countries",
    "agreed",
    "to",
    "continue",
    "support",
    "for",
    "the",
    "people",
    "while",
    "the",
    "opposition",
    "asked",
    "about",
    "new",
    "sanctions",
    "after",
    "a",
    "meeting",
    "of",
    "leaders",
    "who",
    "discussed",
    "oil",
    "trade",
    "security",
    "relations",
    "between",
    "states",
    "during",
    "this",
    "week",
    "according",
    "to",
    "reports",
    "from",
    "agency",
]
_GERMAN = [
    "der",
    "die",
    "und",
    "das",
    "ist",
    "nicht",
    "mit",
    "von",
    "den",
    "zu",
    "auf",
    "für",
    "eine",
    "sich",
    "dem",
    "des",
    "wie",
    "auch",
    "nach",
    "bei",
    "Regierung",
    "Präsident",
    "sagte",
    "wurde",
    "haben",
    "werden",
    "über",
    "diese",
    "einem",
    "Woche",
    "zwischen",
]


def fake_translation(text: str, target: str = "en", *, words: tuple[str, ...] = ()) -> str:
    """The deterministic translation the server returns: English words picked by the text's hash,
    about one word per six characters."""
    vocabulary = words or _ENGLISH
    digest = hashlib.sha256(f"{target}\x00{text}".encode()).digest()
    count = max(1, round(len(text) / 6))
    picked = [vocabulary[digest[i % len(digest)] * (i + 1) % len(vocabulary)] for i in range(count)]
    sentence = " ".join(picked)
    return sentence[:1].upper() + sentence[1:] + "."


@dataclass
class Call:
    """One request the server saw."""

    path: str
    texts: list[str]
    source: str | None
    fault: str | None
    status: int
    at: float = field(default_factory=time.monotonic)


class FakeTranslateServer:
    """State shared by the handler threads: request log, faults to inject, settings."""

    def __init__(self, delay: float = 0.0, api_key: str | None = None) -> None:
        self.delay = delay
        self.api_key = api_key
        self.slow_seconds = 3.0
        self.retry_after = 1
        self.calls: list[Call] = []
        self._faults: list[str | None] = []
        self._always: str | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.httpd is not None
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    @property
    def requests(self) -> int:
        """Translation requests received (all endpoints, faulted ones included)."""
        with self._lock:
            return len(self.calls)

    def inject(self, fault: str, times: int = 1, after: int = 0) -> None:
        """Apply `fault` to `times` translation requests, after letting `after` more pass."""
        assert fault in FAULTS, fault
        with self._lock:
            self._faults.extend([None] * after + [fault] * times)

    def always(self, fault: str | None) -> None:
        """Apply `fault` to every request from now on (None: stop)."""
        assert fault is None or fault in FAULTS, fault
        with self._lock:
            self._always = fault

    def served(self) -> Counter[str]:
        """How often each text was answered with a translation (HTTP 200, no transport fault)."""
        with self._lock:
            calls = list(self.calls)
        good = (c for c in calls if c.status == 200 and c.fault in (None, "wrong-language", "echo"))
        return Counter(text for call in good for text in call.texts)

    def texts_requested(self) -> Counter[str]:
        """How often each text was asked for, whatever the outcome."""
        with self._lock:
            return Counter(text for call in self.calls for text in call.texts)

    def _next_fault(self) -> str | None:
        with self._lock:
            fault = self._faults.pop(0) if self._faults else None
            return fault if fault is not None else self._always

    def _log(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if parts.path.rstrip("/") == "/languages":
            body = [{"code": c, "name": c, "targets": list(LANGUAGES)} for c in LANGUAGES]
            return self._json(200, body)
        if parts.path == "/m":  # Google's mobile page, as deep-translator reads it
            return self._translate("google", [query.get("q", "")], query.get("tl", "en"), query)
        if parts.path == "/get":  # MyMemory
            target = query.get("langpair", "|en").split("|")[-1].split("-")[0]
            return self._translate("mymemory", [query.get("q", "")], target, query)
        if parts.path.rstrip("/").endswith("/translate"):  # DeepL
            return self._translate(
                "deepl", [query.get("text", "")], query.get("target_lang", "en"), query
            )
        if parts.path in ("/", ""):
            return self._json(200, {"service": "fake translator"})
        self._json(404, {"error": "Not Found"})

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if "api-version" in query:  # Microsoft: a JSON list of {"text": ...}
            items = json.loads(raw or b"[]")
            return self._translate(
                "microsoft", [i["text"] for i in items], query.get("to", "en"), query
            )
        if parts.path.rstrip("/") != "/translate":
            return self._json(404, {"error": "Not Found"})
        if "json" in self.headers.get("Content-Type", ""):
            data = json.loads(raw or b"{}")
        else:
            data = {
                k: (v if k == "q" and len(v) > 1 else v[-1])
                for k, v in parse_qs(raw.decode()).items()
            }
        data = {**query, **data}
        if "q" not in data:
            return self._json(400, {"error": "Invalid request: missing q parameter"})
        q = data["q"]
        texts = q if isinstance(q, list) else [q]
        return self._translate(
            "libretranslate", texts, data.get("target", "en"), data, single=not isinstance(q, list)
        )

    def _translate(
        self, kind: str, texts: list[str], target: str, data: dict, single: bool = True
    ) -> None:
        state = self.server.state
        fault = state._next_fault()
        status = _FAULT_STATUS.get(fault or "", 200)
        if state.api_key and not self._authorised(kind, data):
            fault, status = "403", 403
        source = data.get("source") or data.get("sl") or data.get("source_lang") or data.get("from")
        source = source or data.get("langpair", "|").split("|")[0] or None
        state._log(Call(self.path.split("?")[0], list(texts), source, fault, status))
        if state.delay:
            state._stop.wait(state.delay)
        if fault == "slow":
            state._stop.wait(state.slow_seconds)
        elif fault == "reset":
            return self._reset()
        elif fault == "malformed":
            return self._raw(200, b'{"translatedText": ["oops', "application/json")
        elif fault == "truncated":
            return self._raw(200, b'{"translatedText": ["cut', "application/json", claim=4096)
        if status != 200:
            messages = {400: "Invalid request", 403: "Invalid API key", 429: "Slowdown: too many requests",
                        500: "Translation error", 503: "Service unavailable"}  # fmt: skip
            headers = {"Retry-After": str(state.retry_after)} if status == 429 else {}
            return self._json(status, {"error": messages[status]}, headers)
        vocabulary = tuple(_GERMAN) if fault == "wrong-language" else ()
        out = [fake_translation(t, target.split("-")[0].lower(), words=vocabulary) for t in texts]
        if fault == "echo":
            out = list(texts)
        self._answer(kind, out, single)

    def _authorised(self, kind: str, data: dict) -> bool:
        key = self.server.state.api_key
        if kind == "deepl":
            return self.headers.get("Authorization") == f"DeepL-Auth-Key {key}"
        if kind == "microsoft":
            return self.headers.get("Ocp-Apim-Subscription-Key") == key
        if kind == "mymemory":
            return data.get("de") == key
        return data.get("api_key") == key

    def _answer(self, kind: str, out: list[str], single: bool) -> None:
        if kind == "google":
            page = f'<html><body><div class="result-container">{html.escape(out[0])}</div></body></html>'
            return self._raw(200, page.encode(), "text/html; charset=utf-8")
        if kind == "mymemory":
            return self._json(200, {"responseData": {"translatedText": out[0]}, "matches": []})
        if kind == "deepl":
            return self._json(200, {"translations": [{"text": t} for t in out]})
        if kind == "microsoft":
            return self._json(200, [{"translations": [{"text": t, "to": "en"}]} for t in out])
        self._json(200, {"translatedText": out[0] if single else out})

    def _json(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        self._raw(status, json.dumps(body).encode(), "application/json", headers=headers)

    def _raw(self, status: int, body: bytes, ctype: str, *, claim: int | None = None,
             headers: dict[str, str] | None = None) -> None:  # fmt: skip
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(claim or len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            if claim:  # promise more than we send, then hang up
                self._reset()
        except OSError:
            pass  # the client gave up (timeout): nothing to answer

    def _reset(self) -> None:
        # SO_LINGER 0: close sends RST, the client sees "connection reset by peer"
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


_FAULT_STATUS = {"429": 429, "500": 500, "503": 503, "400": 400, "403": 403}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], state: FakeTranslateServer) -> None:
        super().__init__(address, _Handler)
        self.state = state

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that hung up is normal
            super().handle_error(request, client_address)


def make_frames(
    articles: dict[str, tuple[str | None, list[str]]],
    boilerplate: set[tuple[str, int]] = frozenset(),  # type: ignore[assignment]
    paragraph_language: dict[tuple[str, int], str] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """articles and paragraphs frames (contract schemas) from {article_id: (language, [paragraph
    texts])}: text is the paragraphs joined by blank lines, offsets point into it."""
    article_rows, paragraph_rows = [], []
    for article_id, (language, texts) in articles.items():
        offset = 0
        for no, text in enumerate(texts):
            key = (article_id, no)
            paragraph_rows.append({
                "article_id": article_id, "para_no": no, "start": offset,
                "end": offset + len(text), "boilerplate": key in boilerplate,
                "language": (paragraph_language or {}).get(key),
            })  # fmt: skip
            offset += len(text) + 2
        article_rows.append(
            {"article_id": article_id, "language": language, "text": "\n\n".join(texts)}
        )
    return (
        conform(pl.DataFrame(article_rows), "articles"),
        conform(pl.DataFrame(paragraph_rows, infer_schema_length=None), "paragraphs"),
    )


@contextmanager
def run_server(
    delay: float = 0.0, api_key: str | None = None, port: int = 0
) -> Iterator[FakeTranslateServer]:
    """Serve on 127.0.0.1 (a free port unless given) in a thread for the with-block."""
    state = FakeTranslateServer(delay=delay, api_key=api_key)
    state.httpd = _HTTPServer(("127.0.0.1", port), state)
    thread = threading.Thread(target=state.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state._stop.set()
        state.httpd.shutdown()
        state.httpd.server_close()
        thread.join(timeout=5)


def main(argv: list[str] | None = None) -> int:
    """Serve until killed; prints `listening on URL` once ready (for subprocess users)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--fault", choices=FAULTS, default=None, help="apply to every request")
    args = parser.parse_args(argv)
    with run_server(delay=args.delay, api_key=args.api_key, port=args.port) as server:
        server.always(args.fault)
        print(f"listening on {server.url}", flush=True)
        with suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
