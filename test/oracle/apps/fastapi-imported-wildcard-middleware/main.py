from fastapi import FastAPI

from satellite import RealWildCardCors

# This file names no CORS header and no CORS middleware of Starlette: only the imported class.
app = FastAPI()
app.add_middleware(RealWildCardCors)


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
