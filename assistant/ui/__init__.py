"""The browser chat (Gradio). Imported only by `kim serve` and `app.py`: gradio loads slowly."""
