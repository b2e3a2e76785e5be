"""Translate: provider settings, key status, and a cancellable "Translate now".

Browser users pick among the servers the operator configured; they may type an address of their
own only if the operator allowed it (`newsprism app --allow-user-endpoints`), and no key goes
with a typed address.
"""

import os

import polars as pl
import streamlit as st

from dashboard.app import ui
from dashboard.translate import models, providers, translate, translate_local
from dashboard.translate.providers import PROVIDERS
from dashboard.translate.translate_job import TranslationJob
from dashboard.views.filters import language_name
from dashboard.views.reading import md_text

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
# offline by default: the operator's choice, else the local models when any is installed;
# nothing is preselected that would send text over a network nobody has checked
chosen = os.environ.get("NEWSPRISM_TRANSLATOR") or (
    providers.LOCAL if models.list_models() else None
)
provider = st.selectbox(
    "Provider",
    names,
    key="tr_provider",
    index=names.index(chosen) if chosen in names else None,
    placeholder="Choose a provider",
    format_func=lambda n: PROVIDERS[n].label,
)
st.caption(
    "Online providers send the articles' text to the provider over the network; newsprism "
    "does not check the connection before you press Translate, and a machine without network "
    "gets a plain message then. Local models translate on this machine, offline."
)
if provider is None:
    st.info("Choose a provider to translate this analysis; originals are shown until then.")
    st.stop()
spec = PROVIDERS[provider]
cols = st.columns(2)
target = (
    cols[0].text_input("Translate into (ISO 639-1)", value="en", key="tr_target").strip().lower()
)
cols[0].caption(f"Pivot language: {language_name(target)}")
url = None
configured = providers.configured_endpoints(spec, os.environ)
if provider == "libretranslate":
    other = "Another address…"
    choices = configured + ([other] if providers.user_endpoints_allowed(os.environ) else [])
    picked = cols[1].selectbox("LibreTranslate server", choices, key="tr_endpoint")
    if picked == other:
        typed = cols[1].text_input("Address", key="tr_url", placeholder="http://localhost:5000")
        url = typed.strip() or None
        cols[1].caption("No key is sent to an address typed here.")
    elif picked is None:
        cols[1].info(f"No LibreTranslate server is configured (`{providers.ENDPOINTS_ENV}`).")
    else:
        url = picked
keys = secret_keys()
config = translate.TranslatorConfig(
    provider=provider, target=target, url=url, keys=keys, operator_urls=tuple(configured)
)
if spec.key_env:
    has_key = config.key_for(spec) is not None
    need = "required" if spec.key_required else "optional"
    cols[1].markdown(
        f"Key ({need}, `{spec.key_env}` or Streamlit secrets): **{'set' if has_key else 'not set'}**"
    )

# the two columns counted, never the paragraphs' texts
done = an.scan("paragraphs").select(
    translated=pl.col("translation").is_not_null(), quality="quality"
)
done = done.collect()
translated = int(done["translated"].sum())
st.caption(f"{translated} of {done.height} paragraphs have a translation in this analysis.")
flags = translate.quality_counts(done)
if flags["flagged"]:
    st.caption(
        f"{flags['flagged']} translated paragraphs are flagged as doubtful: "
        f"{flags['wrong-language']} not in the target language, {flags['identical']} identical "
        f"to the original, {flags['length-ratio']} with a length far from the pair's norm."
    )

if provider == providers.LOCAL:
    # local models: what is installed, and how each language of this analysis would be translated
    st.subheader("Local models")
    table = models.models_table()
    if table.height:
        st.dataframe(table, hide_index=True)
    else:
        st.info(
            "No local model is installed. Add one on this machine with "
            "`newsprism models add FILE.argosmodel` (see the README: Local translation models)."
        )
    installed = models.list_models()
    langs = sorted(set(ui.choices(an).languages) - {target})
    for lang in langs:
        chain = translate_local.route(lang, target, installed)
        note = translate_local.route_note(chain) if chain else f"{lang} → {target}: no model"
        st.caption(md_text(f"{language_name(lang)}: {note}"))

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
    # the reason can quote a provider's answer or an address: shown as text, never as Markdown
    st.warning(md_text(f"{why} Originals are shown everywhere; every other view works as before."))


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
        st.error(md_text(job.message))
    elif job.state == "busy":
        st.warning(md_text(job.message))
    elif job.message:
        st.success(job.message)


progress()
