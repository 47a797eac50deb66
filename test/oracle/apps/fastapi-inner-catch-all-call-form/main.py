from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse


# The decorator applied by hand before CORSMiddleware (audit 48 c01): it runs inside CORSMiddleware, so the 500 it
# builds from any exception passes out through CORSMiddleware and gets the CORS headers.
async def catch_exceptions_middleware(request: Request, call_next):
    try:
        return await call_next(request)
    except Exception as exc:
        return JSONResponse(status_code=500, content={"error": repr(exc)})


app = FastAPI()
app.middleware("http")(catch_exceptions_middleware)
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_methods=["*"], allow_credentials=True)


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
