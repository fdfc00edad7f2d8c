"""Word list page: upload, edit and download the loaded-terms lexicon this session uses."""

import streamlit as st

from annotator.ui import lexicon_page
from annotator.ui.session import load_engine

st.title("Word list")
lexicon_page.render_word_list_page(load_engine())
