from flask import Flask
from flask_cors import CORS

app = Flask(__name__)
# A reviewed exception: this service only runs on the internal network.
# cors-lint-disable-next-line cors/reflected-origin
CORS(app)


@app.get("/health")
def health():
    return {"ok": True}
