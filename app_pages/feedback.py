"""Reviewer feedback page: where calls are stored, export them, manage the ignore list."""

import streamlit as st

from annotator.ui import feedback_page

st.title("Reviewer feedback")
feedback_page.render_feedback_page()
