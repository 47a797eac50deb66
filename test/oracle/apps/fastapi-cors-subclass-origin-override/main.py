from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware


# A subclass that overrides only is_allowed_origin (audit 51 D1): its test is added to the configured origins; the
# methods, headers, credentials and error coverage are CORSMiddleware's.
class SuffixCORSMiddleware(CORSMiddleware):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)

    def is_allowed_origin(self, origin: str) -> bool:
        return origin.endswith(".example.net") or super().is_allowed_origin(origin)


app = FastAPI()
app.add_middleware(SuffixCORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True, allow_methods=["GET", "PUT"], allow_headers=["Authorization", "Content-Type"])


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
