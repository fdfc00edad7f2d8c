"""Pure HTML rendering shared by the app and the exports, like spaCy's displacy: no Streamlit here.

``palette`` (category colours and labels), ``article`` (the highlighted article, legend, side panel and
tooltips), ``tables`` (sentence, flag and comparison rows and the headline numbers) and ``rewrites`` (the
neutral-rewrite diffs). The Streamlit app (``annotator.ui``) and the writers (``annotator.export``) both use
this package; it uses only the engine's data model, never the app.
"""
