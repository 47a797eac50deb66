from flask import Blueprint, jsonify

bp = Blueprint("views", __name__)


@bp.route("/api/items", methods=["GET", "PUT"])
def items():
    return jsonify([{"id": 1}])


@bp.route("/api/error")
def error():
    raise RuntimeError("boom")
