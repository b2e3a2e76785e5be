"""Entities: searchable table, one actor's page, and the alias editing that survives re-analysis."""

from collections.abc import Callable

import streamlit as st

from dashboard.app import links, output, ui
from dashboard.errors import NewsprismError
from dashboard.pipeline import pipeline
from dashboard.steps import entities
from dashboard.views.reading import md_text

an, f, caption = ui.page_start("Actors, places and organisations")
opts = links.view_options("entities", an)
search = st.text_input("Search names and aliases", key="ent_search", value=opts["search"] or "")
links.write_options("entities", {"search": search})
with st.spinner("Counting mentions"):
    table = ui.frame("entities", an, f, {"search": search})
# tall enough to browse (about 16 rows), never a tall box of white space for a few
height = min(600, 38 + 35 * max(table.height, 1))
event = st.dataframe(
    table.drop("hidden"),
    hide_index=True,
    width="stretch",
    height=height,
    on_select="rerun",
    selection_mode="single-row",
    key="ent_table",
    column_order=(
        "label",
        "type",
        "mentions",
        "articles",
        "languages",
        "first_seen",
        "last_seen",
        "aliases",
        "entity_id",
    ),
    column_config={
        "label": st.column_config.TextColumn("name", width="medium"),
        "mentions": st.column_config.NumberColumn("mentions", format="%d"),
        "articles": st.column_config.NumberColumn("articles", format="%d"),
        "languages": st.column_config.ListColumn("languages"),
        "first_seen": st.column_config.DateColumn("first seen", format="YYYY-MM-DD"),
        "last_seen": st.column_config.DateColumn("last seen", format="YYYY-MM-DD"),
        "aliases": st.column_config.ListColumn("written as", width="large"),
        "entity_id": st.column_config.TextColumn("id"),
    },
)
output.table_downloads("entities", table, caption)
rows = event.selection.rows if event else []  # type: ignore[union-attr]
if rows:
    links.set_page_param("entity", table["entity_id"][rows[0]])
chosen = links.view_options("co-mentioned", an)["actor"]  # an unknown ?entity=: a notice
labels = ui.choices(an).entities
if not chosen and table.height:
    # nothing chosen yet: the top row's mentions show at once
    chosen = str(table["entity_id"][0])
    st.caption("Showing the first actor of the table; select a row to see another.")
if not chosen or chosen not in set(table["entity_id"].to_list()) | set(labels):
    st.info("Select an actor in the table to see every mention across languages.")
    st.stop()

row = table.filter(table["entity_id"] == chosen)
label = row["label"][0] if row.height else labels.get(chosen, chosen)
st.divider()
st.subheader(md_text(label))
if row.height:
    r = row.row(0, named=True)
    st.markdown(
        f"**{md_text(r['type'])}** · {r['articles']} articles · {r['mentions']} mentions · "
        f"languages: {md_text(', '.join(r['languages'] or []))}"
    )
    st.caption("Written as: " + md_text(", ".join(r["aliases"] or [])))
left, right = st.columns([2, 1])  # wide enough for the co-mentioned table and its buttons
with left:
    total, ev = ui.mentions_of(an, f, chosen)
    st.markdown(f"**Mentions** ({total})")
    output.evidence_list(an, ev, total=total)
with right:
    st.markdown("**Mentioned with**")
    output.table(
        "co-mentioned",
        an,
        f,
        {"actor": chosen},
        column_order=("label", "type", "shared_articles"),
        column_config={
            "label": st.column_config.TextColumn("name"),
            "shared_articles": st.column_config.NumberColumn("articles together", format="%d"),
        },
    )

st.divider()
st.markdown("**Correct this actor** (kept in `aliases.json`, applied again after every analysis)")
alias_path = an.path / entities.ALIAS_FILE
others = {e: lab for e, lab in labels.items() if e != chosen}
tabs = st.tabs(["Merge", "Split", "Rename", "Retype", "Hide"])


def save(change: Callable[[entities.Aliases], entities.Aliases], done: str) -> None:
    try:
        with st.spinner("Linking actors again"):
            pipeline.edit_aliases(an.path, change)
        st.session_state["ent_done"] = done
        st.rerun()
    except NewsprismError as exc:
        ui.show_error(exc)


current = entities.read_aliases(alias_path)
now = ui.choices(an).entity_types.get(chosen, "MISC")
if st.session_state.get("_al_actor") != chosen:
    # another actor chosen: its fields start from its own name and type, not the last one's
    # (set here, not as the widgets' defaults: a browser keeps a field's old text otherwise)
    st.session_state.update(
        al_merge=[], al_split=[], al_split_label="", al_rename=label, _al_actor=chosen
    )
with tabs[0]:
    into = st.multiselect(
        "Merge these into this actor",
        list(others),
        key="al_merge",
        format_func=lambda e: others.get(e, e),
    )
    if st.button("Merge", disabled=not into, key="al_merge_btn"):
        save(lambda a: entities.merge(a, [chosen, *into]), f"merged {len(into)} into {label}")
with tabs[1]:
    forms = st.multiselect(
        "Move these spellings to a new actor",
        row["aliases"][0].to_list() if row.height else [],
        key="al_split",
    )
    new_label = st.text_input("Name of the new actor", key="al_split_label")
    if st.button("Split", disabled=not forms, key="al_split_btn"):
        new_id = entities.split(current, chosen, forms, new_label or None)[1]
        save(
            lambda a: entities.split(a, chosen, forms, new_label or None)[0],
            f"split {len(forms)} spellings into {new_label or new_id}",
        )
with tabs[2]:
    name = st.text_input("Display name", key="al_rename")
    if st.button("Rename", disabled=not name.strip() or name == label, key="al_rename_btn"):
        save(lambda a: entities.rename(a, chosen, name.strip()), f"renamed to {name.strip()}")
with tabs[3]:
    kinds = list(entities.TYPES)
    # one control per actor: a segmented control does not take a value set for it once drawn
    kind = st.segmented_control("Type", kinds, default=now, key=f"al_type_{chosen}")
    if st.button("Retype", disabled=kind in (None, now), key="al_type_btn"):
        save(lambda a: entities.retype(a, chosen, str(kind)), f"{label} is now {kind}")
with tabs[4]:
    st.caption("Hidden actors leave every view and filter; their mentions stay in the tables.")
    if st.button("Hide this actor", key="al_hide_btn"):
        save(lambda a: entities.hide(a, chosen), f"hid {label}")
if done := st.session_state.pop("ent_done", None):
    st.success(md_text(f"Saved: {done}."))
