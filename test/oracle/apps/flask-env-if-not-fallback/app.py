import os

from flask import Flask, jsonify
from flask_cors import CORS

app = Flask(__name__)
# ALLOWED_ORIGINS is unset where the oracle runs the app: origins is None, the fallback runs, and flask-cors
# reflects every origin with credentials.
origins = os.getenv("ALLOWED_ORIGINS")
if not origins:
    origins = "*"
CORS(app, origins=origins, supports_credentials=True)


@app.route("/api/items", methods=["GET", "PUT", "POST"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
