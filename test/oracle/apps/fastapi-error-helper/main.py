from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

app = FastAPI()


# Error responses get their CORS headers from a helper: it echoes any Origin with credentials.
def cors_headers(request: Request) -> dict:
    origin = request.headers.get("origin")
    headers = {"Access-Control-Allow-Credentials": "true"}
    if origin:
        headers["Access-Control-Allow-Origin"] = origin
    return headers


@app.exception_handler(HTTPException)
async def http_error(request: Request, exc: HTTPException):
    return JSONResponse(status_code=exc.status_code, content={"detail": exc.detail}, headers=cors_headers(request))


# Runs in ServerErrorMiddleware, outside CORSMiddleware: every unhandled error leaves with these headers.
@app.exception_handler(Exception)
async def server_error(request: Request, exc: Exception):
    return JSONResponse(status_code=500, content={"detail": "internal error"}, headers=cors_headers(request))


app.add_middleware(
    CORSMiddleware,
    allow_origins=["https://app.example.com"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)


# CORSMiddleware answers every preflight before routing: this route never answers one.
@app.options("/{rest_of_path:path}")
async def preflight(request: Request, rest_of_path: str):
    return Response(status_code=204, headers={"Access-Control-Allow-Origin": request.headers.get("origin") or "*", "Access-Control-Allow-Credentials": "true"})


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/me")
def me():
    raise HTTPException(401, "login required")


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
