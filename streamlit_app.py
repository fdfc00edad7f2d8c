"""Framing annotator web app: annotate an article, compare two, tune the word list, review flags.

Run with ``streamlit run streamlit_app.py``. This entry point sets up the page, loads the engine once and
routes to the pages in ``app_pages/`` (layout only; the work is in ``annotator.ui``). The engine loads in a
background thread, so the first page is usable while it loads.
"""

import streamlit as st

from annotator.ui.session import keep_widget_state, start_engine

st.set_page_config(page_title="Framing annotator", page_icon="🗞️", layout="wide")
start_engine()  # loads in the background; pages wait for it (load_engine) only after drawing their inputs

keep_widget_state()
PAGES = [
    st.Page("app_pages/annotate.py", title="Annotate", icon=":material/edit_note:", default=True),
    st.Page("app_pages/compare.py", title="Compare two articles", icon=":material/compare_arrows:", url_path="compare"),
    st.Page("app_pages/word_list.py", title="Word list", icon=":material/list_alt:", url_path="word-list"),
    st.Page("app_pages/feedback.py", title="Reviewer feedback", icon=":material/thumbs_up_down:", url_path="feedback"),
]
page = st.navigation(PAGES, position="top")
page.run()
