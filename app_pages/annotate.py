"""Main page: paste or upload an article, see loaded terms and framing highlighted, give feedback, export."""

import streamlit as st

from annotator.ui import app
from annotator.ui.session import load_engine

st.title("Framing annotator")
st.markdown(
    "Find **loaded words**, **scare quotes**, **anonymous sources** and **hedges** in a news article, with the "
    "reason for each and a neutral alternative. Each sentence also gets a bias score from a trained classifier."
)

left, right = st.columns([3, 2], gap="large")
with left:
    st.text_area(
        "Article text",
        key=app.ARTICLE,
        height=260,
        placeholder="Paste the article here: headline, body, captions and all.",
        help=app.LIMITS_TEXT,
    )
    st.button("Annotate", type="primary", on_click=app.on_annotate, icon=":material/edit_note:")
with right:
    st.text_input(
        "…or paste a link",
        key=app.LINK,
        on_change=app.on_link,
        placeholder="https://…",
        help="The page is fetched (up to 5 MB, 20 s) and its article text, title, outlet and date are extracted.",
    )
    st.file_uploader(
        "…or upload a file",
        type=app.UPLOAD_TYPES,
        key=app.UPLOAD,
        on_change=app.on_upload,
        max_upload_size=app.MAX_UPLOAD_MB,
        help="The article text is extracted (menus and page furniture in web pages are dropped). "
        "Scanned PDFs need OCR first.",
    )
    samples = app.sample_files()
    if samples:
        st.selectbox(
            "…or try a sample article",
            list(samples),
            index=None,
            key=app.SAMPLE,
            on_change=app.on_sample,
            placeholder="Choose a sample",
            help="Short articles written for this project; one is a neutral control with nothing to flag.",
        )
    st.caption(app.LIMITS_TEXT)

# The text box is drawn before waiting for the engine, which loads in the background while the user pastes.
engine = load_engine()
settings = app.sidebar_settings(engine)
app.sidebar_about(engine)
app.show_notice()
app.render_results(engine, settings)
