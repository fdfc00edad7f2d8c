"""Everything the app and the visual exports share: colours, the highlighted-article HTML, tables.

Modules here are pure Python except ``annotator.ui.app``, the only one that imports Streamlit (so the
HTML and DOCX writers, the CLI and tests can use the renderers without it).
"""
