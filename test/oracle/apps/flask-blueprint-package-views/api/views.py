from flask import jsonify

from . import bp


@bp.route("/items", methods=["GET", "PUT", "PATCH"])
def items():
    return jsonify([{"id": 1}])


@bp.route("/error")
def error():
    raise RuntimeError("boom")
