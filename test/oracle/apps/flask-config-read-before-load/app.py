import os

from flask import Flask, jsonify
from flask_cors import CORS

# FlaskALED's shape (audit 38 py D3): the origin is read from the config before from_object loads it. A new
# app's config holds only Flask's defaults, so the read is None, the fallback "*" is used, and with credentials
# flask-cors reflects any origin. The later from_object does not change what CORS() read.
app = Flask(__name__, instance_relative_config=False)
origin = app.config.get("ALLOW_ORIGIN")
if origin is None:
    origin = ["*"]
CORS(app, supports_credentials=True, origins=origin)
app.config.from_object("config.Config")


@app.route("/api/items", methods=["GET", "PUT", "POST"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
