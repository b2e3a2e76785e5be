"""Entities: searchable table, one actor's page, and the alias editing that survives re-analysis."""

import streamlit as st

from dashboard import entity_views, ui

st.title("Actors, places and organisations")
an = ui.analysis()
if an is None:
    ui.no_analysis()
    st.stop()
f = ui.current_filters()
caption = ui.describe(an, f)
st.caption(caption)
search = st.text_input("Search names and aliases", key="ent_search", value=ui.page_param("q") or "")
ui.set_page_param("q", search or None)
table = entity_views.table(an, f, search)
event = st.dataframe(
    table.drop("hidden"),
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="ent_table",
    column_config={"aliases": st.column_config.ListColumn("aliases", width="large")},
)
ui.table_downloads("entities", table, caption)
rows = event.selection.rows if event else []  # type: ignore[union-attr]
if rows:
    ui.set_page_param("entity", table["entity_id"][rows[0]])
chosen = ui.page_param("entity")
labels = ui.choices(an).entities
if not chosen or chosen not in set(table["entity_id"].to_list()) | set(labels):
    st.info("Select an actor in the table to see every mention across languages.")
    st.stop()

row = table.filter(table["entity_id"] == chosen)
label = row["label"][0] if row.height else labels.get(chosen, chosen)
st.divider()
st.subheader(ui.md_escape(label))
if row.height:
    r = row.row(0, named=True)
    st.markdown(
        f"**{r['type']}** · {r['articles']} articles · {r['mentions']} mentions · "
        f"languages: {', '.join(r['languages'] or [])}"
    )
    st.caption("Written as: " + ui.md_escape(", ".join(r["aliases"] or [])))
left, right = st.columns([3, 1])
with left:
    ev = entity_views.mentions_of(an, f, chosen)
    st.markdown(f"**Mentions** ({ev.height})")
    ui.evidence_list(ev)
with right:
    st.markdown("**Mentioned with**")
    st.dataframe(
        entity_views.co_mentioned(an, f, chosen).select("label", "type", "shared_articles"),
        hide_index=True,
        width="stretch",
    )
