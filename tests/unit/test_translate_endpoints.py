"""Whose key goes where: the operator's key only reaches addresses the operator configured, and
answers from one server are never served from the cache as if another had given them."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dashboard import cli
from dashboard.translate import providers
from dashboard.translate.providers import PROVIDERS
from dashboard.translate.translate import TranslatorConfig, translate_paragraphs
from tests.libretranslate_server import fake_translation, make_frames

SECRET = "sk-operator-0123456789abcdef"
RO = [
    "Rusia și Belarus și-au intensificat joi contactele cu președintele Venezuelei.",
    "Casa Albă a amplificat prezența militară în regiunea Caraibelor.",
]
LIBRE = PROVIDERS["libretranslate"]
DEEPL = PROVIDERS["deepl"]


@pytest.mark.parametrize(
    ("spec", "url", "configured", "gets_key"),
    [
        (LIBRE, "http://10.0.0.5:5000", ["http://10.0.0.5:5000"], True),
        (LIBRE, "HTTP://10.0.0.5:5000/", ["http://10.0.0.5:5000"], True),  # same server
        (LIBRE, "http://10.0.0.6:5000", ["http://10.0.0.5:5000"], False),
        (LIBRE, "http://10.0.0.5:5000@evil.example", ["http://10.0.0.5:5000"], False),
        (LIBRE, "http://evil.example/?u=http://10.0.0.5:5000", ["http://10.0.0.5:5000"], False),
        (LIBRE, "http://10.0.0.5:5000", [], False),
        (LIBRE, None, [], False),
        (DEEPL, None, [], True),  # the provider's own address
        (DEEPL, "https://api-free.deepl.com/v2", [], True),
        (DEEPL, "http://127.0.0.1:8000/v2/", [], False),
        (DEEPL, "http://127.0.0.1:8000/v2/", ["http://127.0.0.1:8000/v2"], True),
    ],
)
def test_a_key_goes_only_to_the_providers_or_the_operators_addresses(
    spec, url, configured, gets_key
):
    keys = {LIBRE.key_env or "": SECRET, DEEPL.key_env or "": SECRET}
    assert providers.endpoint_key(spec, url, keys, configured) == (SECRET if gets_key else None)


def test_configured_endpoints_and_the_opt_in_come_from_the_environment():
    env = {"NEWSPRISM_TRANSLATOR_URL": "http://a:5000, http://b:5000\nhttp://c"}
    assert providers.configured_endpoints(LIBRE, env) == [
        "http://a:5000",
        "http://b:5000",
        "http://c",
    ]
    assert providers.configured_endpoints(LIBRE, {}) == []
    assert providers.configured_endpoints(DEEPL, env) == [DEEPL.url]
    assert not providers.user_endpoints_allowed({})
    assert not providers.user_endpoints_allowed({"NEWSPRISM_ALLOW_USER_ENDPOINTS": "0"})
    assert providers.user_endpoints_allowed({"NEWSPRISM_ALLOW_USER_ENDPOINTS": "1"})


@dataclass
class Recorder:
    """A LibreTranslate server that keeps every request body and signs its answers with `tag`."""

    tag: str
    bodies: list[dict] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    url: str = ""


@contextmanager
def recording_server(tag: str) -> Iterator[Recorder]:
    state = Recorder(tag)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.loads(raw)
            with lock:
                state.raw.append(bytes(self.requestline, "utf-8") + bytes(self.headers) + raw)
                state.bodies.append(body)
            texts = body["q"] if isinstance(body["q"], list) else [body["q"]]
            out = [f"{tag} {fake_translation(t)}" for t in texts]
            answer = json.dumps({"translatedText": out}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


def _config(tmp_path, url: str, operator_urls: tuple[str, ...]) -> TranslatorConfig:
    return TranslatorConfig(
        provider="libretranslate",
        url=url,
        operator_urls=operator_urls,
        cache_path=tmp_path / "cache.sqlite",
        backoff=0.01,
    )


def test_a_typed_address_gets_no_key_and_a_configured_one_does(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSPRISM_LIBRETRANSLATE_KEY", SECRET)
    articles, paragraphs = make_frames({"a": ("ro", RO)})
    with recording_server("A") as a, recording_server("B") as b:
        typed = translate_paragraphs(articles, paragraphs, _config(tmp_path, b.url, (a.url,)))
        ours = translate_paragraphs(
            articles, paragraphs, _config(tmp_path / "other", a.url + "/", (a.url,))
        )
    assert typed.paragraphs["translation_status"].to_list() == ["translated"] * 2
    assert b.bodies and all("api_key" not in body for body in b.bodies)
    assert not any(SECRET.encode() in raw for raw in b.raw)
    assert ours.paragraphs["translation_status"].to_list() == ["translated"] * 2
    assert a.bodies and all(body.get("api_key") == SECRET for body in a.bodies)


def test_a_key_required_by_the_provider_is_not_sent_to_a_typed_address(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSPRISM_DEEPL_KEY", SECRET)
    articles, paragraphs = make_frames({"a": ("ro", RO)})
    with recording_server("B") as b:
        config = TranslatorConfig(
            provider="deepl",
            url=b.url + "/v2/",
            operator_urls=(),
            cache_path=tmp_path / "cache.sqlite",
        )
        run = translate_paragraphs(articles, paragraphs, config)
    assert b.raw == []
    assert "goes only to the addresses the operator configured" in (run.unavailable_reason or "")


def test_answers_of_one_server_are_not_served_for_another(tmp_path):
    articles, paragraphs = make_frames({"a": ("ro", RO)})
    with recording_server("A") as a, recording_server("B") as b:
        first = translate_paragraphs(articles, paragraphs, _config(tmp_path, a.url, (a.url,)))
        second = translate_paragraphs(articles, paragraphs, _config(tmp_path, b.url, (a.url,)))
        again = translate_paragraphs(articles, paragraphs, _config(tmp_path, a.url, (a.url,)))
    assert [t.split()[0] for t in first.paragraphs["translation"]] == ["A", "A"]
    assert len(b.bodies) == 1 and second.requests_sent == 1 and second.cache_hits == 0
    assert [t.split()[0] for t in second.paragraphs["translation"]] == ["B", "B"]
    # each server's answers stay cached under its own address
    assert len(a.bodies) == 1 and again.cache_hits == 2
    assert [t.split()[0] for t in again.paragraphs["translation"]] == ["A", "A"]


def test_only_the_command_line_opt_in_lets_browser_users_type_an_address():
    args = cli.parser().parse_args(["app", "--allow-user-endpoints"])
    assert args.allow_user_endpoints is True
    assert cli.parser().parse_args(["app"]).allow_user_endpoints is False
    shell = {"PATH": "/bin", "NEWSPRISM_ALLOW_USER_ENDPOINTS": "1"}
    assert cli.translation_env(shell, False) == {"PATH": "/bin"}
    assert providers.user_endpoints_allowed(cli.translation_env({}, True))
