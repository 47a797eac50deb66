from dataclasses import dataclass
from typing import List


# A settings dataclass whose fields have no defaults (audit 53 fastapi c04, konstantin311/resale-store).
@dataclass
class Settings:
    db_name: str
    cors_allowed_origins: List[str]
    cors_allowed_methods: List[str]
    cors_allowed_headers: List[str]
