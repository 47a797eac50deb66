class Config:
    ALLOW_ORIGIN = ["https://app.example.com"]
