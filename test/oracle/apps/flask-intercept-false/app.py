import os

from flask import Flask, jsonify
from flask_cors import CORS

app = Flask(__name__)
# intercept_exceptions=False: flask-cors does not wrap the exception handlers, but its after_request hook still
# runs on the 500 that Flask's handle_exception builds (finalize_request), so the 500 carries the headers.
CORS(app, origins=["https://app.example.com"], supports_credentials=True, intercept_exceptions=False)


@app.route("/api/items", methods=["GET", "PUT"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
