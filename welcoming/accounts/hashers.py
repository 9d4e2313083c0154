"""Password hashing: argon2id with OWASP's recommended parameters.

Django's own defaults (100 MB, 8 lanes) cost about 120 ms of CPU and 100 MB per sign-in. OWASP's
Password Storage Cheat Sheet recommends, for argon2id, at least 19 MiB of memory, 2 iterations and
one lane: as strong against offline guessing per unit of hardware, and a quarter of the cost, which
matters when a whole office signs in at nine on two cores. Hashes made with other parameters are
upgraded at the next sign-in (Django's `must_update`).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
