import os

from flask import Flask, Response
from werkzeug.datastructures import Headers

app = Flask(__name__)


# Headers written in a Werkzeug Headers object given to the Response: the Response keeps that object, so the
# write made after it was built is sent too. The dict of the error route is copied: its later write is not sent.
@app.route("/api/items", methods=["GET", "PUT", "POST"])
def items():
    h = Headers()
    h.set("Access-Control-Allow-Origin", "*")
    response = Response("[]", 200, h, mimetype="application/json")
    h.set("Access-Control-Expose-Headers", "X-Total")
    return response


@app.route("/api/error")
def error():
    h = {}
    h["Access-Control-Allow-Origin"] = "*"
    response = Response("{}", 500, h)
    h["Access-Control-Expose-Headers"] = "X-Total"
    return response


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
