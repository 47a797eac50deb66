from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_methods=["*"], allow_headers=["*"])


# Runs in ServerErrorMiddleware, outside CORSMiddleware: the 500 carries one of the two mappings, picked by the
# test (here only that an Origin is sent: every origin is echoed).
@app.exception_handler(Exception)
async def catch_all(request: Request, exc: Exception):
    origin = request.headers.get("origin")
    headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} if origin else {}
    return JSONResponse(status_code=500, content={"message": "error"}, headers=headers)


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
