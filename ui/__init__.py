"""The app's layout: pages, sidebar and components. Streamlit only; the engine is in citeqa."""
