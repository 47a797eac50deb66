from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

app = FastAPI()
ALLOWED = {"https://app.example.com"}
app.add_middleware(CORSMiddleware, allow_origins=list(ALLOWED), allow_credentials=True, allow_methods=["*"], allow_headers=["*"])


# The helper returns the headers as dict literals: the allowed origin's, or only Vary for every other request.
def _cors_headers(request: Request) -> dict:
    origin = request.headers.get("origin", "")
    if origin in ALLOWED:
        return {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true", "Vary": "Origin"}
    return {"Vary": "Origin"}


# Runs in ServerErrorMiddleware, outside CORSMiddleware: these are the headers every 500 carries.
@app.exception_handler(Exception)
async def catch_all(request: Request, exc: Exception):
    return JSONResponse(status_code=500, content={"message": "error"}, headers=_cors_headers(request))


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
