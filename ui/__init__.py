"""政务问答's chat front end (Gradio 6): `build_app` and `serve` live in ui.app."""
