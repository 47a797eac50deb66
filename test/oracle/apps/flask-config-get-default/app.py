import os

from flask import Flask, jsonify
from flask_cors import CORS

# The origins read back from the config with a default the config never overrides: flask-cors gets "*".
app = Flask(__name__)
CORS(app, origins=app.config.get("CORS_ORIGINS", "*"), supports_credentials=True)


@app.route("/api/items", methods=["GET", "PUT"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
