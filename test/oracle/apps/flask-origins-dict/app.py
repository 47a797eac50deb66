import os

from flask import Flask, jsonify
from flask_cors import CORS

app = Flask(__name__)
# A resources-shaped dict given to origins: flask-cors reads its keys as the origins, and r"/*" matches every
# origin (audit 30 case 06).
CORS(app, supports_credentials=True, origins={r"/*": {"origins": ["https://app.example.com"]}})


@app.route("/api/items", methods=["GET", "PUT", "POST"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
