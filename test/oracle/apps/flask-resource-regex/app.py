import os

from flask import Flask, jsonify
from flask_cors import CORS

# Regex resource keys (re.match on the request path, §3.4), tried in flask-cors' order: the longer
# r"/api/admin/.*" before r"/api/.*". /api/items gets the second one's methods, which leave out PUT.
app = Flask(__name__)
CORS(
    app,
    resources={
        r"/api/.*": {"origins": "https://app.example.com", "methods": ["GET", "POST"]},
        r"/api/admin/.*": {"origins": "https://app.example.com", "supports_credentials": True},
    },
)


@app.route("/api/items", methods=["GET", "PUT", "POST"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/admin/items/<item_id>", methods=["GET", "PUT"])
def admin_item(item_id):
    return jsonify({"id": item_id})


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
