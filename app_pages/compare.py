"""Compare page: how two articles frame the same story, side by side."""

import streamlit as st

from annotator.ui import app, compare_page
from annotator.ui.session import load_engine

engine = load_engine()
settings = app.sidebar_settings(engine)
app.sidebar_about(engine)

st.title("Compare two articles")
st.markdown(
    "Paste, upload or pick two articles about the same story (two outlets, or two drafts) to see how their "
    "framing differs: loaded terms per 100 words, bias scores, anonymous sources, how much is quoted, and the "
    'words only one of them uses ("coup" against "revolution").'
)
compare_page.render_inputs()
compare_page.render_results(engine, settings)
