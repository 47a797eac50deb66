import os

from flask import Flask, jsonify
from flask_cors import CORS

app = Flask(__name__)
CORS(app, origins=["https://app.example.com"], supports_credentials=True)


# Registered after CORS(app), so Flask runs it first (after_request hooks run in reverse order): every
# response, the automatic OPTIONS answers included, already has an ACAO when flask-cors's hook runs, and
# flask-cors skips it. The browser only ever sees this '*'.
@app.after_request
def public_api(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@app.route("/api/items", methods=["GET", "PUT"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    # Unhandled: flask-cors's wrapped handle_exception adds its headers to the 500 before the hook runs, so the
    # allowed origin gets ACAC: true next to the hook's '*' (which credentialed requests cannot use).
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
