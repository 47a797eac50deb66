from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

app = FastAPI()


# Sets the headers on every response that reaches it, HTTPException answers included.
@app.middleware("http")
async def cors(request: Request, call_next):
    response = await call_next(request)
    response.headers["Access-Control-Allow-Origin"] = "https://app.example.com"
    response.headers["Access-Control-Allow-Methods"] = "GET, PUT"
    return response


# A route that writes the headers itself and raises before it can: the middleware still adds them.
@app.options("/{path:path}")
async def preflight(path: str):
    if path == "api/forbidden":
        raise HTTPException(status_code=403)
    return JSONResponse({}, headers={"Access-Control-Allow-Origin": "https://app.example.com", "Access-Control-Allow-Methods": "GET, PUT"})


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
