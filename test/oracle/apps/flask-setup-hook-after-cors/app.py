import os

from flask import Flask, jsonify
from flask_cors import CORS


# A setup function called with the app: CORS(app), then a hook. Registered after CORS(app), the hook runs first
# (after_request hooks run in reverse order), so flask-cors finds an ACAO on every response it would answer and
# skips it: the browser sees the hook's '*', not flask-cors' reflection of any origin.
def add_cors(target):
    CORS(target, supports_credentials=True)

    @target.after_request
    def public_api(response):
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response


app = Flask(__name__)


@app.route("/api/items", methods=["GET", "PUT"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


add_cors(app)


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
