"""Load: upload files or read a data folder; new articles join the current analysis."""

from pathlib import Path

import streamlit as st

from dashboard.app import ui
from dashboard.errors import InputProblem, NewsprismError
from dashboard.ingest import ingest
from dashboard.pipeline import pipeline
from dashboard.views.reading import md_text

st.title("Load articles")
ws = ui.workspace()
st.caption(
    "Text, Markdown, HTML, CSV/TSV, JSONL, Parquet, RSS/Atom or ZIP of these. "
    f"Up to {ingest.MAX_FILE_BYTES // 2**20} MB a file. New articles join the current analysis; "
    "articles already in it are skipped."
)


def run(paths: list[Path]) -> None:
    bar = st.progress(0.0, text="starting")

    def progress(what: str, fraction: float) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=what)

    options = pipeline.RunOptions(progress=progress)
    try:
        result = pipeline.analyze(paths, ws.analysis, options)
    except NewsprismError as exc:
        ui.show_error(exc)
        return
    st.session_state["load_report"] = (result.new_articles, [str(p) for p in result.problems])
    st.rerun()


uploads = st.file_uploader("Upload files", accept_multiple_files=True, key="uploads")
if st.button("Add uploaded files", type="primary", disabled=not uploads):
    saved: list[Path] = []
    problems: list[str] = []
    notes: list[InputProblem] = []
    for up in uploads or []:
        try:
            saved.append(ingest.save_upload(up.name, up.getvalue(), ws.uploads, notes=notes))
        except NewsprismError as exc:
            problems.append(str(exc))
    for p in problems:
        st.error(md_text(p))
    for note in notes:
        # a name already taken: the upload was kept under a new name, or was the same file
        st.warning(md_text(str(note)))
    if saved:
        run(saved)

st.divider()
if ws.data_dirs:
    st.markdown("**Or read a folder** inside the data folders of this server:")
    st.caption(md_text(" · ".join(str(d) for d in ws.data_dirs)))
    typed = st.text_input("Folder or file", placeholder="e.g. seeds or a subfolder", key="folder")
    if st.button("Read folder", disabled=not typed):
        try:
            run([ws.resolve_data_path(typed)])
        except NewsprismError as exc:
            ui.show_error(exc)
else:
    st.caption("Reading server folders is off: start the app with --data-dir to allow it.")

report = st.session_state.get("load_report")
if report:
    new, problems = report
    st.success(f"{new} new article{'s' if new != 1 else ''} added to the analysis.")
    if problems:
        st.markdown("**Load report**")
        for p in problems:
            st.warning(md_text(p))  # problem lines quote names and ids from the input
