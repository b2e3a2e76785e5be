"""Translate: provider settings, key status, and a cancellable "Translate now"."""

import os

import streamlit as st

from dashboard import translate, ui
from dashboard.filters import language_name
from dashboard.providers import PROVIDERS, resolve_key
from dashboard.translate_job import TranslationJob

an, _, _ = ui.page_start("Translation", caption=False)


@st.cache_resource
def jobs() -> dict[str, TranslationJob]:
    """One job per analysis folder, shared by every browser session of this server."""
    return {}


def secret_keys() -> dict[str, str]:
    try:
        return {k: str(v) for k, v in st.secrets.items() if isinstance(v, str)}
    except Exception:  # no secrets.toml: keys come from the environment only
        return {}


names = list(PROVIDERS)
provider = st.selectbox(
    "Provider",
    names,
    key="tr_provider",
    index=names.index(os.environ.get("NEWSPRISM_TRANSLATOR", "google")),
    format_func=lambda n: PROVIDERS[n].label,
)
spec = PROVIDERS[provider]
cols = st.columns(2)
target = (
    cols[0].text_input("Translate into (ISO 639-1)", value="en", key="tr_target").strip().lower()
)
cols[0].caption(f"Pivot language: {language_name(target)}")
url = None
if provider == "libretranslate":
    url = (
        cols[1].text_input(
            "LibreTranslate URL",
            key="tr_url",
            value=os.environ.get("NEWSPRISM_TRANSLATOR_URL", ""),
            placeholder="http://localhost:5000",
        )
        or None
    )
keys = secret_keys()
if spec.key_env:
    has_key = resolve_key(spec, keys) is not None
    need = "required" if spec.key_required else "optional"
    cols[1].markdown(
        f"Key ({need}, `{spec.key_env}` or Streamlit secrets): **{'set' if has_key else 'not set'}**"
    )
config = translate.TranslatorConfig(provider=provider, target=target, url=url, keys=keys)

done = an.frame("paragraphs")
translated = int(done["translation"].is_not_null().sum())
st.caption(f"{translated} of {done.height} paragraphs have a translation in this analysis.")

job = jobs().get(str(an.path))
if st.button("Translate now", type="primary", disabled=job is not None and job.running):
    ok, why = translate.check_provider(config)
    if not ok:
        st.session_state["tr_unavailable"] = why
    else:
        st.session_state.pop("tr_unavailable", None)
        job = TranslationJob(an.path, config)
        jobs()[str(an.path)] = job
        job.start()
if why := st.session_state.get("tr_unavailable"):
    st.warning(f"{why} Originals are shown everywhere; every other view works as before.")


@st.fragment(run_every=1.0)
def progress() -> None:
    job = jobs().get(str(an.path))
    if job is None:
        return
    total = max(job.total, 1)
    eta = f", about {job.eta_seconds:.0f} s left" if job.eta_seconds else ""
    st.progress(
        min(job.done / total, 1.0),
        text=f"{job.done} / {job.total} done, {job.failures} failed{eta}",
    )
    if job.running:
        if st.button("Cancel", key="tr_cancel"):
            job.cancel()
    elif job.state == "failed":
        st.error(job.message)
    elif job.message:
        st.success(job.message)


progress()
